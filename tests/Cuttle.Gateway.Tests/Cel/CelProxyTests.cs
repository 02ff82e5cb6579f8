using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Cuttle.Config;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Cel;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Tests.Cel;

public sealed class CelProxyTests
{
    private sealed class Backend(ProxyResult result) : IProxy
    {
        public int Calls { get; private set; }

        public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            return ValueTask.FromResult(result);
        }
    }

    private static readonly ProxyResult Pong = ProxyResult.Ok(new ProxyResponse(
        new Dictionary<string, object?> { ["message"] = "pong", ["count"] = new RawNumber("3") }, isComplete: true));

    private static CelCheckSet Checks(params string[] expressions)
    {
        var b = ImmutableArray.CreateBuilder<CelCheck>();
        foreach (var e in expressions) b.Add(new CelCheck(e, SourceLocation.None));
        return CelCheckSet.Compile(b.ToImmutable(), "test");
    }

    private static ProxyRequest Request(string id, RequestScope scope, params (string Name, string Value)[] headers)
    {
        var h = new List<KeyValuePair<string, StringValues>>();
        foreach (var (n, v) in headers) h.Add(new(n, v));
        return new ProxyRequest { Method = "GET", Params = [id], Headers = h, Query = [], Scope = scope };
    }

    private static CelProxy Proxy(IProxy next, CelCheckSet checks, UrlTemplate? path = null)
        => new(next, checks, ["Id"], path, TimeProvider.System, "[test]", NullLogger.Instance);

    [Fact]
    public async Task FailingPreCheck_AbortsBeforeTheBackendWithItsIndex()
    {
        using var scope = new RequestScope();
        var backend = new Backend(Pong);
        var proxy = Proxy(backend, Checks("'something' in req_headers['X-Header']", "int(req_params.Id) % 2 == 0"));

        var result = await proxy.InvokeAsync(Request("1", scope, ("X-Header", "something")), CancellationToken.None);

        Assert.Null(result.Response);
        Assert.Equal("request aborted by evaluator #1", result.Error!.Message);
        Assert.Equal(0, backend.Calls);
    }

    [Fact]
    public async Task EvaluationError_RejectsLikeAFalseCheck()
    {
        using var scope = new RequestScope();
        var proxy = Proxy(new Backend(Pong), Checks("'something' in req_headers['X-Header']"));

        var result = await proxy.InvokeAsync(Request("30", scope), CancellationToken.None);

        Assert.Equal("request aborted by evaluator #0", result.Error!.Message);
    }

    [Fact]
    public async Task PassingChecks_ReturnTheBackendResponse()
    {
        using var scope = new RequestScope();
        var proxy = Proxy(new Backend(Pong), Checks("req_params.Id == '30'", "resp_data.message == 'pong' && resp_data.count == 3 && resp_completed"));

        var result = await proxy.InvokeAsync(Request("30", scope), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Same(Pong.Response, result.Response);
    }

    [Fact]
    public async Task FailingPostCheck_DropsTheResponse_NumberedWithinThePostList()
    {
        using var scope = new RequestScope();
        var backend = new Backend(Pong);
        // The first expression mentions only req, so it is pre check #0; the post list starts at the second.
        var proxy = Proxy(backend, Checks("req_method == 'GET'", "resp_metadata_status == 200", "resp_data.message == 'ping'"));

        var result = await proxy.InvokeAsync(Request("1", scope), CancellationToken.None);

        Assert.Equal(1, backend.Calls);
        Assert.Null(result.Response);
        Assert.Equal("request aborted by evaluator #1", result.Error!.Message);
    }

    [Fact]
    public async Task BackendErrors_SkipThePostChecks()
    {
        using var scope = new RequestScope();
        var failure = ProxyResult.Fail(new ProxyError("backend down"));
        var proxy = Proxy(new Backend(failure), Checks("resp_completed"));

        var result = await proxy.InvokeAsync(Request("1", scope), CancellationToken.None);

        Assert.Equal("backend down", result.Error!.Message);
    }

    [Fact]
    public async Task BackendLevelReqPath_IsTheFilledUrlPattern()
    {
        using var scope = new RequestScope();
        var path = new UrlTemplate("/users/{id}", ["id"]);
        var proxy = Proxy(new Backend(Pong), Checks("req_path == '/users/7'"), path);

        var result = await proxy.InvokeAsync(Request("7", scope), CancellationToken.None);

        Assert.Null(result.Error);
    }

    [Fact]
    public void ChecksMentioningNoVariablePrefix_AreNeverEvaluated()
    {
        var checks = Checks("1 == 2", "size(JWT.roles) > 1", "req_method == 'GET' && resp_completed");
        Assert.Single(checks.Pre);
        Assert.Single(checks.Post);
        Assert.Single(checks.Jwt);
    }

    [Fact]
    public void JwtRejecter_RejectsTokensWhoseClaimsFailAJwtCheck()
    {
        var rejecter = new CelJwtRejecter(Checks("size(JWT.roles) > 1").Jwt, TimeProvider.System);
        using var two = JsonDocument.Parse("""{"roles": ["a", "b"]}""");
        using var one = JsonDocument.Parse("""{"roles": ["a"]}""");
        using var none = JsonDocument.Parse("""{"sub": "x"}""");

        Assert.False(rejecter.Reject(two.RootElement));
        Assert.True(rejecter.Reject(one.RootElement));
        Assert.True(rejecter.Reject(none.RootElement));
    }

    [Fact]
    public void SyntaxError_FailsTheGenerationBuildWithTheExpressionsLocation()
    {
        var json = """
            {
              "version": 3,
              "endpoints": [
                {
                  "endpoint": "/x/{id}",
                  "backend": [{"host": ["http://127.0.0.1:8080"], "url_pattern": "/x"}],
                  "extra_config": {"validation/cel": [{"check_expr": "req_params.Id =="}]}
                }
              ]
            }
            """;
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("; ", loaded.Diagnostics));

        var ex = Assert.Throws<GatewayBuildException>(() => GenerationBuilder.Build(loaded.Config!, new GenerationOptions()));

        Assert.Contains("endpoint GET /x/{id}", ex.Message);
        Assert.Contains("krakend.json:7:", ex.Message);
        Assert.Contains("column 17: unexpected end of expression", ex.Message);
    }
}
