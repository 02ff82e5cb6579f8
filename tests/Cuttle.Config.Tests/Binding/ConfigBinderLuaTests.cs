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

public sealed class ConfigBinderServiceLuaTests
{
    private static ConfigLoadResult Service(string lua) => Parse(
        "{\"version\": 3, \"endpoints\": [],\n" +
        " \"extra_config\": {\"modifier/lua-endpoint\": " + lua + "}}");

    [Fact]
    public void ServiceLevelLuaEndpoint_IsTypedWithoutAWarning()
    {
        var result = Service("""{"sources": ["a.lua"], "pre": "x()", "live": true, "allow_open_libs": true}""");

        var lua = result.Config!.LuaEndpoint!;
        Assert.Equal("modifier/lua-endpoint", lua.Namespace);
        Assert.Equal(new[] { "a.lua" }, lua.Sources.ToArray());
        Assert.Equal("x()", lua.Pre);
        Assert.True(lua.Live && lua.AllowOpenLibs);
        Assert.Equal(2, lua.Location.Line);
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("lua", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ServiceLevelLuaEndpoint_UnderItsLegacyName_IsTyped()
    {
        var result = Parse("""{"version": 3, "endpoints": [], "extra_config": {"github.com/devopsfaith/krakend-lua/router": {"pre": "x()"}}}""");

        Assert.Equal("x()", result.Config!.LuaEndpoint!.Pre);
    }

    [Theory]
    [InlineData("""{"pre": ["x()"]}""", "pre", 52)]
    [InlineData("""{"sources": {"a": 1}}""", "sources", 56)]
    [InlineData("""{"live": "yes"}""", "live", 53)]
    [InlineData("""{"allow_open_libs": "x"}""", "allow_open_libs", 64)]
    [InlineData("""{"md5": ["x"]}""", "md5", 52)]
    public void ServiceLevelLuaEndpoint_WrongType_IsAnErrorAtTheValue(string lua, string key, int column)
    {
        var d = SingleError(Service(lua));

        Assert.Contains($"modifier/lua-endpoint.{key}", d.Message);
        Assert.Equal((2, column, "krakend.json"), (d.Location.Line, d.Location.Column, d.Location.File));
    }
}
