using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Auth;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Tests.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Endpoints;

/// <summary>
/// {JWT.claim} values travel from auth/validator to the backend URL as named params after the route's {param} values,
/// the way krakend-jose appends them to gin's params.
/// </summary>
public sealed class JwtParamsTests : IDisposable
{
    private static readonly JwtValidatorOptions Options = new()
    {
        Alg = "HS256",
        Audience = ["http://api.example.com"],
        Issuer = "https://krakend.io",
        JwkUrl = "http://idp.test/jwk",
        DisableJwkSecurity = true,
    };

    private readonly HttpMessageInvoker _client = new(new JwtTestKeys.JwkServer());
    private readonly FakeTimeProvider _time = JwtTestKeys.NewClock();

    public void Dispose() => _client.Dispose();

    private static EndpointConfig Endpoint(string urlPattern, string encoding = Encodings.Json) => new()
    {
        Endpoint = "/users/{id}",
        Params = ["id"],
        OutputEncoding = encoding,
        JwtValidator = Options,
        Backend = [new BackendConfig { UrlPattern = urlPattern }],
    };

    /// <summary>What reaches the endpoint behind the validator: its params, and the backend path built from them.</summary>
    private sealed class Capture(EndpointConfig endpoint) : IEndpointHandler
    {
        private readonly RequestFactory _requests = new(endpoint);
        private readonly UrlTemplate _template = new(endpoint.Backend[0].UrlPattern, endpoint.Params);
        public string[]? Params;
        public ProxyRequest? Request;
        public string? Path;
        public bool Clean;

        public Task HandleAsync(HttpContext context, string[] parameters)
        {
            Params = parameters;
            Clean = ParamChecker.IsClean(parameters, parameters.Length - _requests.ClaimCount);
            Request = _requests.Create(context, parameters, new RequestScope());
            var sb = new StringBuilder();
            _template.AppendPath(sb, Request);
            Path = sb.ToString();
            return Task.CompletedTask;
        }
    }

    private async Task<Capture> Send(EndpointConfig endpoint, string claims, params string[] routeParams)
    {
        var capture = new Capture(endpoint);
        var validator = new JwtValidator(Options, new JwkKeySource(Options.JwkUrl, null, _client, _time, null), JwtParams.ClaimNames(endpoint), _time);
        var handler = new JwtValidatorEndpointHandler(capture, validator, JwtValidatorOptions.DefaultCookieKey, "Authorization", endpoint.Endpoint, NullLogger.Instance);
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + JwtTestKeys.Hs256("""{"alg":"HS256","kid":"sim2"}""", claims, JwtTestKeys.Sim2Key);
        await handler.HandleAsync(context, routeParams);
        Assert.NotNull(capture.Params);
        return capture;
    }

    private const string Claims = """{"aud": "http://api.example.com", "iss": "https://krakend.io", "sub": "u?1", "org": {"id": 7}, "exp": 4102444800}""";

    [Fact]
    public void ClaimNames_AreThoseTheBackendsRead_OnlyBehindAValidator_AndNotForNoOp()
    {
        Assert.Equal(["sub", "org.id"], JwtParams.ClaimNames(Endpoint("/u/{JWT.sub}/{JWT.org.id}/{JWT.sub}")));
        Assert.Empty(JwtParams.ClaimNames(Endpoint("/u/{JWT.sub}") with { JwtValidator = null }));
        Assert.Empty(JwtParams.ClaimNames(Endpoint("/u/{JWT.sub}", Encodings.NoOp)));
    }

    [Fact]
    public async Task Claims_FollowTheRouteParams_AndFillTheBackendUrl()
    {
        var capture = await Send(Endpoint("/orgs/{JWT.org.id}/users/{id}/{JWT.sub}{JWT.missing}"), Claims, "42");

        Assert.Equal("42|7|u?1|", string.Join('|', capture.Params!));
        Assert.Null(capture.Params![3]); // the token has no "missing" claim
        Assert.Equal("/orgs/7/users/42/u?1", capture.Path);
        Assert.Equal(new Dictionary<string, string> { ["JWT.org.id"] = "7", ["JWT.sub"] = "u?1" }, capture.Request!.SequentialParams);
    }

    [Fact]
    public async Task ParamChecker_ChecksTheRouteParamsOnly()
    {
        // krakend-jose appends the claims after gin's paramChecker ran: a '?' in a claim is not an encoded url param.
        var capture = await Send(Endpoint("/u/{JWT.sub}"), Claims, "42");

        Assert.True(capture.Clean);
    }

    [Fact]
    public async Task NoOp_ReceivesTheRouteParamsAlone()
    {
        var capture = await Send(Endpoint("/u/{JWT.sub}", Encodings.NoOp), Claims, "42");

        Assert.Equal(["42"], capture.Params!);
        Assert.Null(capture.Request!.SequentialParams);
    }
}
