using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderLuaTests
{
    [Fact]
    public void LuaNamespaces_AtEndpointAndBackend_AreTyped()
    {
        var endpoint = Parse("""
        {"version": 3, "endpoints": [{"endpoint": "/e",
          "extra_config": {
            "modifier/lua-proxy": {"sources": ["a.lua", "b.lua"], "post": "post()", "live": true, "allow_open_libs": true},
            "github.com/devopsfaith/krakend-lua/router": {"pre": "x()", "skip_next": true}},
          "backend": [{"host": ["http://h"], "url_pattern": "/b",
            "extra_config": {"modifier/lua-backend": {"pre": "p()", "md5": {"a.lua": "abc"}}}}]}]}
        """).Config!.Endpoints[0];

        var proxy = endpoint.LuaProxy!;
        Assert.Equal(new[] { "a.lua", "b.lua" }, proxy.Sources.ToArray());
        Assert.Equal("post()", proxy.Post);
        Assert.True(proxy.Live && proxy.AllowOpenLibs && !proxy.SkipNext);
        Assert.Equal("modifier/lua-endpoint", endpoint.LuaEndpoint!.Namespace);
        Assert.True(endpoint.LuaEndpoint.SkipNext);
        var backend = endpoint.Backend[0].LuaBackend!;
        Assert.Equal("p()", backend.Pre);
        Assert.Equal("abc", backend.Md5["a.lua"]);
    }

    [Fact]
    public void LuaPre_NotAString_IsAnErrorNamingTheField()
    {
        var error = SingleError(Parse("""
        {"version": 3, "endpoints": [{"endpoint": "/e", "extra_config": {"modifier/lua-proxy": {"pre": ["x()"]}},
          "backend": [{"host": ["http://h"], "url_pattern": "/b"}]}]}
        """));

        Assert.Contains("modifier/lua-proxy.pre", error.Message);
    }
}
