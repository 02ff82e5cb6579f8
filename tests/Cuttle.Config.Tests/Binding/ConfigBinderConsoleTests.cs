using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderConsoleTests
{
    // The namespace's text is on line 3 of the file, from column 1.
    private static ConfigLoadResult Service(string console) => Parse($$$"""
        {"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}]}],
         "extra_config": {
        {{{console}}}
        }}
        """);

    private static ConsoleOptions? Bound(string console)
    {
        var result = Service(console);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.Console;
    }

    [Fact]
    public void Console_Absent_IsNull()
    {
        var result = Parse("""{"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}]}]}""");
        Assert.True(result.Success);
        Assert.Null(result.Config!.Console);
    }

    [Fact]
    public void Console_EmptyBlock_ListensOnLoopbackOnly_WithoutAuth()
    {
        var c = Bound("\"cuttle/console\": {}")!;
        Assert.Equal("127.0.0.1:8091", c.ListenAddress);
        Assert.Equal(("127.0.0.1", 8091), (c.ListenHost, c.ListenPort));
        Assert.Null(c.BasicAuthUser);
        Assert.Null(c.TokenEnv);
        Assert.Equal(3, c.Location.Line);
    }

    [Fact]
    public void Console_EveryKey_IsTyped()
    {
        var c = Bound("""
            "cuttle/console": {"listen_address": ":9000", "basic_auth": {"user": "ops", "password_env": "CONSOLE_PASSWORD"}, "token_env": "CONSOLE_TOKEN"}
            """)!;
        Assert.Equal(("", 9000), (c.ListenHost, c.ListenPort));
        Assert.Equal("ops", c.BasicAuthUser);
        Assert.Equal("CONSOLE_PASSWORD", c.BasicAuthPasswordEnv);
        Assert.Equal("CONSOLE_TOKEN", c.TokenEnv);
    }

    [Theory]
    [InlineData("\"listen_address\": \"8091\"", 38, "listen_address", "invalid \"cuttle/console.listen_address\" \"8091\": missing port")]
    [InlineData("\"listen_address\": 8091", 38, "listen_address", "\"cuttle/console.listen_address\" must be a non-empty string, got the number 8091")]
    [InlineData("\"token_env\": \"\"", 33, "token_env", "\"cuttle/console.token_env\" must be a non-empty string, got an empty string")]
    [InlineData("\"basic_auth\": {\"user\": \"ops\"}", 34, "basic_auth", "\"cuttle/console.basic_auth\" needs both user and password_env")]
    [InlineData("\"basic_auth\": {\"user\": \"ops\", \"password\": \"x\", \"password_env\": \"P\"}", 62, "basic_auth.password", "unknown key \"password\" in \"cuttle/console.basic_auth\"")]
    [InlineData("\"password\": \"hunter2\"", 32, "password", "unknown key \"password\" in \"cuttle/console\"")]
    public void Console_BadValue_IsAnErrorAtItsPosition(string member, int column, string key, string message)
    {
        var d = SingleError(Service($$"""
            "cuttle/console": {{{member}}}
            """));
        Assert.StartsWith(message, d.Message, StringComparison.Ordinal);
        AssertAt(d, 3, column, $"extra_config[\"cuttle/console\"].{key}");
    }

    [Fact]
    public void Console_NotAnObject_IsAnError()
    {
        var d = SingleError(Service("\"cuttle/console\": true"));
        Assert.Equal("\"cuttle/console\" must be an object, got true", d.Message);
        Assert.Equal(3, d.Location.Line);
    }
}
