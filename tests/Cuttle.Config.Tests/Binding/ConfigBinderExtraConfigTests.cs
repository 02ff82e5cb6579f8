using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderExtraConfigTests
{
    [Fact]
    public void LongNamespaceNames_AreNormalisedToShortNames()
    {
        var c = Parse("""
        {"version": 3, "extra_config": {
           "github_com/luraproject/lura/router/gin": {"return_error_msg": true, "health_path": "status"},
           "github_com/devopsfaith/krakend-cors": {"allow_origins": ["*"]},
           "github_com/devopsfaith/krakend-gologging": {"level": "DEBUG"}}}
        """).Config!;

        Assert.True(c.Router.ReturnErrorMsg);
        Assert.Equal("/status", c.Router.HealthPath);
        Assert.True(c.ExtraConfig.Contains("router"));
        Assert.True(c.ExtraConfig.Contains("security/cors"));
        Assert.True(c.ExtraConfig.TryGet("telemetry/logging", out var logging));
        Assert.Equal("DEBUG", logging.GetProperty("level").GetString());
        Assert.False(c.ExtraConfig.Contains("github_com/devopsfaith/krakend-cors"));
    }

    [Fact]
    public void Router_ErrorBodies_AreKept()
    {
        var r = Parse("""{"version": 3, "extra_config": {"router": {"error_body": {"404": {"msg": "nope"}, "405": {"msg": "method"}}, "disable_health": true}}}""").Config!.Router;
        Assert.Equal("nope", r.ErrorBody404!.Value.GetProperty("msg").GetString());
        Assert.Equal("method", r.ErrorBody405!.Value.GetProperty("msg").GetString());
        Assert.True(r.DisableHealth);
    }

    [Fact]
    public void EndpointProxy_SequentialStaticAndFlatmap_AreTyped()
    {
        var e = Parse("""
        {"version": 3, "endpoints": [{"endpoint": "/a", "extra_config": {"github.com/devopsfaith/krakend/proxy": {
            "sequential": true, "sequential_propagated_params": ["resp0_id"],
            "static": {"data": {"x": 1}},
            "flatmap_filter": [{"type": "move", "args": ["a", "b"]}, {"type": "del", "args": ["c"]}, {"type": "bogus"}]}},
          "backend": [{"url_pattern": "/", "host": ["h"]}]}]}
        """).Config!.Endpoints[0];

        Assert.True(e.Proxy.Sequential);
        Assert.Equal(new[] { "resp0_id" }, e.Proxy.SequentialPropagatedParams.ToArray());
        Assert.Equal(StaticStrategy.Always, e.Proxy.Static!.Strategy);
        Assert.Equal(1, e.Proxy.Static.Data.GetProperty("x").GetInt32());
        Assert.Equal(2, e.Proxy.FlatmapFilter.Length);
        Assert.Equal("move", e.Proxy.FlatmapFilter[0].Type);
        Assert.True(e.ExtraConfig.Contains("proxy"));
    }

    [Fact]
    public void StaticWithUnknownStrategy_IsDroppedWithAWarning()
    {
        var result = Parse("""{"version": 3, "endpoints": [{"endpoint": "/a", "extra_config": {"proxy": {"static": {"strategy": "sometimes", "data": {}}}}, "backend": [{"url_pattern": "/", "host": ["h"]}]}]}""");
        Assert.Null(result.Config!.Endpoints[0].Proxy.Static);
        var w = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, w.Severity);
        Assert.Contains("unknown proxy.static.strategy \"sometimes\"", w.Message, StringComparison.Ordinal);
        Assert.Equal("endpoints[0].extra_config.proxy.static.strategy", w.Location.JsonPath);
    }

    [Fact]
    public void BackendProxyAndHttp_AreTyped()
    {
        var b = Parse("""
        {"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"], "extra_config": {
            "proxy": {"shadow": true, "shadow_timeout": "1s", "flatmap_filter": [{"type": "append", "args": ["a", "b"]}]},
            "github.com/devopsfaith/krakend/http": {"return_error_details": "backend_a", "return_error_code": true}}}]}]}
        """).Config!.Endpoints[0].Backend[0];

        Assert.True(b.Proxy.Shadow);
        Assert.Equal(TimeSpan.FromSeconds(1), b.Proxy.ShadowTimeout);
        Assert.Single(b.Proxy.FlatmapFilter);
        Assert.Equal("backend_a", b.Http.ReturnErrorDetails);
        Assert.True(b.Http.ReturnErrorCode);
        Assert.True(b.ExtraConfig.Contains("backend/http"));
    }

    [Fact]
    public void KnownButUnimplementedNamespace_IsAWarning()
    {
        var result = Parse("{\"version\": 3, \"extra_config\": {\n  \"router\": {},\n  \"backend/lambda\": {}}}",
            new ConfigLoadOptions { ImplementedNamespaces = new HashSet<string> { "router" } });
        var w = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, w.Severity);
        Assert.Equal("namespace backend/lambda is not implemented by Cuttle and is ignored; the backend is called over HTTP at its host and url_pattern instead", w.Message);
        AssertAt(w, 3, 3, "extra_config[\"backend/lambda\"]");
    }

    [Fact]
    public void Lint_WarnsAboutUnknownFields_ButNotSchemaOrComments()
    {
        var result = Parse("""
        {"version": 3, "$schema": "https://www.krakend.io/schema/krakend.json", "@comment": "hi", "__comment": "x", "prot": 8080,
         "endpoints": [{"endpoint": "/a", "methd": "GET", "backend": [{"url_pattern": "/", "host": ["h"], "hots": []}]}]}
        """, new ConfigLoadOptions { Lint = true });

        Assert.True(result.Success);
        var warnings = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.Location.JsonPath).ToArray();
        Assert.Equal(new[] { "prot", "endpoints[0].methd", "endpoints[0].backend[0].hots" }, warnings);
        Assert.Contains(result.Diagnostics, d => d.Message == "unknown field \"prot\" in the service (root) configuration; KrakenD ignores it" && d.Location.Line == 1);
    }

    [Fact]
    public void WithoutLint_UnknownFieldsAreSilent()
    {
        Assert.Empty(Parse("""{"version": 3, "prot": 8080}""").Diagnostics);
    }
}
