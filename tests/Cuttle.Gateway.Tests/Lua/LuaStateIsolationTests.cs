using Cuttle.Config.Model;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Lua;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Tests.Lua;

/// <summary>
/// krakend-lua gives every request a new Lua state: nothing a script does in one request is visible in the next.
/// Each script checks for what an earlier run of itself would have left and fails with 418 if it finds it, then
/// leaves it behind.
/// </summary>
public sealed class LuaStateIsolationTests
{
    private sealed class Next : IProxy
    {
        public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
            => ValueTask.FromResult(ProxyResult.Ok(ProxyResponse.Empty(complete: true)));
    }

    private const string Leaked = "custom_error('leaked from an earlier request', 418)";

    public static TheoryData<string, string> Leaks => new()
    {
        { "global", $"if leaked ~= nil then {Leaked} end leaked = true" },
        { "library table field", $"if string.leaked then {Leaked} end string.leaked = true" },
        { "string metatable", $"local mt = getmetatable('') if mt.__leaked then {Leaked} end mt.__leaked = true" },
        { "metatable on _G", $"if getmetatable(_G) ~= nil then {Leaked} end setmetatable(_G, {{ __index = function() return 1 end }})" },
        { "type-wide metatable", $"if getmetatable(1) ~= nil then {Leaked} end debug.setmetatable(1, {{ __index = {{}} }})" },
        { "package.loaded", $"if package.loaded.leaked then {Leaked} end package.loaded.leaked = {{}}" },
        { "package.preload", $"if package.preload.leaked then {Leaked} end package.preload.leaked = function() return 1 end" },
        { "replaced builtin", $"if tostring(1) ~= '1' then {Leaked} end tostring = function() return 'x' end" },
        { "API class table", $"if luaTable.leaked then {Leaked} end luaTable.leaked = true" },
        { "upvalue of a source function", $"if bump() > 1 then {Leaked} end" },
        { "source table mutated", $"if config.seen then {Leaked} end config.seen = true" },
        { "collector stopped", $"if not collectgarbage('isrunning') then {Leaked} end collectgarbage('stop')" },
        { "coroutine kept", $"if co ~= nil then {Leaked} end co = coroutine.create(function() coroutine.yield() end) coroutine.resume(co)" },
    };

    [Theory]
    [MemberData(nameof(Leaks))]
    public async Task A_script_cannot_see_what_it_left_in_an_earlier_request(string what, string pre)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "local n = 0\nfunction bump() n = n + 1 return n end\nconfig = { seen = false }\n");
            var options = new LuaOptions { Namespace = "modifier/lua-proxy", Sources = [file], Pre = pre, AllowOpenLibs = true };
            var proxy = new LuaProxy(LuaScript.Build(options, "endpoint /test"), new Next(), [], urlBuilder: null);

            for (var i = 0; i < 3; i++)
            {
                using var scope = new RequestScope();
                var result = await proxy.InvokeAsync(new ProxyRequest { Method = "GET", Params = [], Headers = [], Query = [], Scope = scope }, CancellationToken.None);
                Assert.True(result.Error is null, $"{what}, request {i + 1}: {result.Error?.Message}");
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
