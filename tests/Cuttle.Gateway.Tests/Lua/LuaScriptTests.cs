using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Lua;

namespace Cuttle.Gateway.Tests.Lua;

public sealed class LuaScriptTests
{
    private static LuaOptions Options(string pre = "", params string[] sources)
        => new() { Namespace = "modifier/lua-backend", Pre = pre, Sources = [.. sources] };

    [Fact]
    public void MissingSourceFile_IsABuildErrorNamingTheOwnerAndFile()
    {
        var ex = Assert.Throws<GatewayBuildException>(() => LuaScript.Build(Options("", "no/such/file.lua"), "backend /b of endpoint /e"));

        Assert.Contains("modifier/lua-backend of backend /b of endpoint /e", ex.Message);
        Assert.Contains("no/such/file.lua", ex.Message);
    }

    [Fact]
    public void SyntaxErrorInSource_IsABuildError()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "function broken(");
            var ex = Assert.Throws<GatewayBuildException>(() => LuaScript.Build(Options("", file), "endpoint /e"));
            Assert.Contains("endpoint /e", ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void SyntaxErrorInPreSnippet_IsABuildErrorNamingTheSnippet()
    {
        var ex = Assert.Throws<GatewayBuildException>(() => LuaScript.Build(Options("if then"), "endpoint /e"));

        Assert.Contains("pre-script", ex.Message);
    }

    [Fact]
    public void Md5Mismatch_IsABuildError()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "x = 1");
            var options = Options("", file) with { Md5 = ImmutableDictionary<string, string>.Empty.Add(file, "00") };
            var ex = Assert.Throws<GatewayBuildException>(() => LuaScript.Build(options, "endpoint /e"));
            Assert.Contains("md5", ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
