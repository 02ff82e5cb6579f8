using Cuttle.Config.Model;
using Cuttle.Gateway.Auth;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Auth;

/// <summary>Where auth/validator finds the token: krakend-jose's FromHeader, then FromCookie.</summary>
public sealed class JwtValidatorEndpointHandlerTests : IDisposable
{
    private const string Claims = """{"aud": "http://api.example.com", "iss": "https://krakend.io", "sub": "u1", "exp": 4102444800}""";

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
    private readonly string _token = JwtTestKeys.Hs256("""{"alg":"HS256","kid":"sim2"}""", Claims, JwtTestKeys.Sim2Key);

    public void Dispose() => _client.Dispose();

    private sealed class Inner : IEndpointHandler
    {
        public Task HandleAsync(HttpContext context, string[] parameters)
        {
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        }
    }

    /// <summary>The status: 204 when the request reached the endpoint, else the validator's 401/403.</summary>
    private async Task<int> Send(string? authorization, string? cookie = null, string cookieKey = JwtValidatorOptions.DefaultCookieKey)
    {
        var validator = new JwtValidator(Options, new JwkKeySource(Options.JwkUrl, null, _client, _time, null), [], _time);
        var handler = new JwtValidatorEndpointHandler(new Inner(), validator, cookieKey, "Authorization", "/e", NullLogger.Instance);
        var context = new DefaultHttpContext();
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        if (cookie is not null) context.Request.Headers.Cookie = cookie;
        await handler.HandleAsync(context, []);
        return context.Response.StatusCode;
    }

    [Fact]
    public async Task Header_WithOrWithoutTheBearerPrefix_CarriesTheToken()
    {
        Assert.Equal(204, await Send("Bearer " + _token));
        Assert.Equal(204, await Send("bEARER " + _token));
        Assert.Equal(204, await Send(_token)); // FromHeader strips the prefix only when present
        Assert.Equal(204, await Send("Bearer  " + _token)); // go-jose ParseSigned strips whitespace
        Assert.Equal(401, await Send("Basic dXNlcjpwYXNz"));
    }

    [Fact]
    public async Task Header_IsReadBeforeTheCookie_AndTheCookieOnlyWhenTheHeaderIsEmpty()
    {
        Assert.Equal(204, await Send("Bearer " + _token, cookieKey: "session")); // a cookie_key does not switch the header off
        Assert.Equal(401, await Send("Bearer garbage", "session=" + _token, cookieKey: "session"));
        Assert.Equal(204, await Send("", "session=" + _token, cookieKey: "session"));
        Assert.Equal(204, await Send(null, "other=x; access_token=" + _token)); // FromCookie's default cookie name
        Assert.Equal(401, await Send(null, "session=" + _token));
    }
}
