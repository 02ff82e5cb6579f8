using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderDefaultsTests
{
    [Fact]
    public void Endpoint_InheritsServiceValues_AndBackendInheritsEndpoint()
    {
        var c = Parse("""
        {"version": 3, "timeout": "5s", "cache_ttl": "1m", "output_encoding": "string", "host": ["backend:9000/"],
         "endpoints": [{"endpoint": "users/{id}", "method": "post", "input_headers": ["x-y-z", "authorization"],
                        "backend": [{"url_pattern": "u/{id}"}]}]}
        """).Config!;

        var e = Assert.Single(c.Endpoints);
        Assert.Equal("/users/{id}", e.Endpoint);
        Assert.Equal("POST", e.Method);
        Assert.Equal(TimeSpan.FromSeconds(5), e.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(1), e.CacheTtl);
        Assert.Equal("string", e.OutputEncoding);
        Assert.Equal(1, e.ConcurrentCalls);
        Assert.Equal(new[] { "X-Y-Z", "Authorization" }, e.InputHeaders.ToArray());
        Assert.Equal(new[] { "id" }, e.Params.ToArray());
        var b = Assert.Single(e.Backend);
        Assert.Equal("/u/{id}", b.UrlPattern);
        Assert.Equal("POST", b.Method);
        Assert.Equal(new[] { "http://backend:9000" }, b.Host.ToArray());
        Assert.Equal("json", b.Encoding);
        Assert.Equal("static", b.Sd);
        Assert.Equal(new[] { "http://backend:9000" }, c.Host.ToArray());
    }

    [Fact]
    public void Endpoint_WithoutOutputEncoding_DefaultsToJson()
    {
        var e = Parse("""{"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/b", "host": ["h"]}]}]}""").Config!.Endpoints[0];
        Assert.Equal(Encodings.Json, e.OutputEncoding);
        Assert.Equal(TimeSpan.FromSeconds(2), e.Timeout);
        Assert.Equal("GET", e.Backend[0].Method);
    }

    [Fact]
    public void NoOpOutput_ForcesBackendEncoding()
    {
        var b = Parse("""{"version": 3, "endpoints": [{"endpoint": "/a", "output_encoding": "no-op", "backend": [{"url_pattern": "/b", "encoding": "xml", "host": ["h"]}]}]}""")
            .Config!.Endpoints[0].Backend[0];
        Assert.Equal(Encodings.NoOp, b.Encoding);
    }

    [Fact]
    public void WeakTyping_NumericStringsAndBoolStrings_AreAccepted()
    {
        var c = Parse("""{"version": 3, "port": "9000", "debug_endpoint": "true", "max_idle_connections": 10.7, "echo_endpoint": 1}""").Config!;
        Assert.Equal(9000, c.Port);
        Assert.True(c.DebugEndpoint);
        Assert.True(c.EchoEndpoint);
        Assert.Equal(10, c.MaxIdleConnections);
    }

    [Fact]
    public void WeakTyping_SingleStringForAList_BecomesAOneElementList()
    {
        var b = Parse("""{"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/b", "host": "http://h:81"}]}]}""")
            .Config!.Endpoints[0].Backend[0];
        Assert.Equal(new[] { "http://h:81" }, b.Host.ToArray());
    }

    [Fact]
    public void DisableHostSanitize_KeepsHostAsWritten()
    {
        var b = Parse("""{"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/b", "host": ["http://h/api"], "disable_host_sanitize": true}]}]}""")
            .Config!.Endpoints[0].Backend[0];
        Assert.Equal(new[] { "http://h/api" }, b.Host.ToArray());
    }

    [Fact]
    public void DisableRest_ExtractsNonSegmentParams()
    {
        var e = Parse("""{"version": 3, "disable_rest": true, "endpoints": [{"endpoint": "/a/id-{id}", "backend": [{"url_pattern": "/b/{id}", "host": ["h"]}]}]}""")
            .Config!.Endpoints[0];
        Assert.Equal(new[] { "id" }, e.Params.ToArray());
    }

    [Fact]
    public void SequentialAndJwtPlaceholders_NeedNoEndpointParam()
    {
        var result = Parse("""
        {"version": 3, "endpoints": [{"endpoint": "/a/{id}", "backend": [
          {"url_pattern": "/first/{id}", "host": ["h"]},
          {"url_pattern": "/second/{resp0_user.id}?sub={JWT.sub}", "host": ["h"]}]}]}
        """);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Mapping_KeepsFileOrder()
    {
        var b = Parse("""{"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/b", "host": ["h"], "mapping": {"z": "a", "b": "c"}}]}]}""")
            .Config!.Endpoints[0].Backend[0];
        Assert.Equal(new[] { "z", "b" }, b.Mapping.Select(m => m.Key).ToArray());
    }

    [Fact]
    public void EnvironmentOverrides_ReplaceRootScalars()
    {
        var env = new Dictionary<string, string>
        {
            ["KRAKEND_PORT"] = "9001",
            ["KRAKEND_TIMEOUT"] = "500ms",
            ["KRAKEND_NAME"] = "from-env",
            ["KRAKEND_CACHE_TTL"] = "1s",
            ["KRAKEND_DEBUG_ENDPOINT"] = "true",
            ["KRAKEND_CONFIG"] = "/somewhere/krakend.json",
            ["PORT"] = "1",
        };
        var c = Parse("""{"version": 3, "port": 8000, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/b", "host": ["h"]}]}]}""",
            new ConfigLoadOptions { Environment = env }).Config!;

        Assert.Equal(9001, c.Port);
        Assert.Equal(TimeSpan.FromMilliseconds(500), c.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), c.Endpoints[0].Timeout);
        Assert.Equal("from-env", c.Name);
        Assert.Equal(TimeSpan.FromSeconds(1), c.CacheTtl);
        Assert.True(c.DebugEndpoint);
    }

    [Fact]
    public void EnvironmentOverride_WithBadValue_NamesTheVariable()
    {
        var d = SingleError(Parse("""{"version": 3}""", new ConfigLoadOptions { Environment = new Dictionary<string, string> { ["KRAKEND_TIMEOUT"] = "soon" } }));
        Assert.Contains("invalid duration \"soon\" for \"timeout\"", d.Message, StringComparison.Ordinal);
        Assert.Contains("KRAKEND_TIMEOUT", d.Location.JsonPath, StringComparison.Ordinal);
    }
}
