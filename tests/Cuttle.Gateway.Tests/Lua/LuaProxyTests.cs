using System.Text;
using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Lua;
using Cuttle.Gateway.Proxy;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Tests.Lua;

public sealed class LuaProxyTests
{
    private sealed class Recorder(string json = """{"a":{"b":[1,2,{"c":"x"}]},"n":1.5}""") : IProxy
    {
        public ProxyRequest? Seen { get; private set; }
        public int Calls { get; private set; }

        public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            Seen = request;
            var data = DataTree.AsMap(JsonDocument.Parse(json).RootElement)!;
            return ValueTask.FromResult(ProxyResult.Ok(new ProxyResponse(data, isComplete: true)));
        }
    }

    private static ProxyRequest Request(RequestScope scope, params string[] parameters) => new()
    {
        Method = "GET",
        Params = parameters,
        Headers = [new("Authorization", "Bearer t"), new("X-Multi", new StringValues(["1", "2"]))],
        Query = [new("a", "1")],
        Scope = scope,
    };

    private static LuaProxy Proxy(LuaOptions options, IProxy next, string[]? paramNames = null, string url = "http://backend/path?a=1")
        => new(LuaScript.Build(options with { Namespace = "modifier/lua-backend" }, "backend /path of endpoint /test"), next, paramNames ?? [], _ => url);

    private static string Render(ProxyResponse response)
    {
        using var buffer = new PooledBufferWriter();
        GoJsonWriter.Write(buffer, response.Data);
        return Encoding.UTF8.GetString(buffer.WrittenMemory.Span);
    }

    [Fact]
    public async Task PreScript_ChangesUrlHeadersAndParams_ForTheNextLayer()
    {
        using var scope = new RequestScope();
        var next = new Recorder();
        var proxy = Proxy(new LuaOptions
        {
            Pre = """
                local r = request.load()
                r:url(r:url() .. "&b=" .. r:params("Id"))
                r:headers("X-Added", r:headers("authorization") .. "!")
                r:headers("X-Multi", nil)
                r:params("Other", "v")
                """,
        }, next, ["Id"]);

        var result = await proxy.InvokeAsync(Request(scope, "42"), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal("http://backend/path?a=1&b=42", next.Seen!.BackendUrl);
        Assert.Contains(next.Seen.Headers, h => h.Key == "X-Added" && h.Value == "Bearer t!");
        Assert.DoesNotContain(next.Seen.Headers, h => h.Key == "X-Multi");
        Assert.Equal("v", next.Seen.SequentialParams!["Other"]);
    }

    [Fact]
    public async Task PostScript_EditsNestedDataInPlace()
    {
        using var scope = new RequestScope();
        var proxy = Proxy(new LuaOptions
        {
            Post = """
                local d = response.load():data()
                local list = d:get("a"):get("b")
                list:get(2):set("c", "changed")
                d:set("count", list:len())
                d:set("tbl", {x = 1, y = {10, 20}})
                d:set("half", d:get("n") / 3)
                d:del("n")
                """,
        }, new Recorder());

        var result = await proxy.InvokeAsync(Request(scope), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal("""{"a":{"b":[1,2,{"c":"changed"}]},"count":3,"half":0.5,"tbl":{"x":1,"y":[10,20]}}""", Render(result.Response!));
    }

    [Theory]
    [InlineData("custom_error('teapot', 418)", 418, "teapot", null)]
    [InlineData("custom_error('{}', 400, 'application/json')", 400, "{}", "application/json")]
    [InlineData("custom_error('plain')", 0, "plain", null)]
    public async Task CustomError_AbortsWithItsStatusAndSkipsTheBackend(string pre, int status, string message, string? contentType)
    {
        using var scope = new RequestScope();
        var next = new Recorder();

        var result = await Proxy(new LuaOptions { Pre = pre }, next).InvokeAsync(Request(scope), CancellationToken.None);

        Assert.Null(result.Response);
        Assert.Equal(status, result.Error!.StatusCode);
        Assert.Equal(message, result.Error.Message);
        Assert.Equal(contentType, result.Error.ContentType);
        Assert.Equal(0, next.Calls);
    }

    [Fact]
    public async Task RuntimeError_IsA500WithTheLuaMessage()
    {
        using var scope = new RequestScope();

        var result = await Proxy(new LuaOptions { Pre = "local x = nil; x.y = 1" }, new Recorder()).InvokeAsync(Request(scope), CancellationToken.None);

        Assert.Equal(0, result.Error!.StatusCode);
        Assert.Contains("attempt to index", result.Error.Message);
    }

    [Fact]
    public async Task SkipNext_GivesThePostScriptAnEmptyResponse()
    {
        using var scope = new RequestScope();
        var next = new Recorder();

        var result = await Proxy(new LuaOptions { SkipNext = true, Post = "response.load():data():set('k', 'v')" }, next)
            .InvokeAsync(Request(scope), CancellationToken.None);

        Assert.Equal(0, next.Calls);
        Assert.Equal("""{"k":"v"}""", Render(result.Response!));
    }

    [Fact]
    public async Task WithoutOpenLibs_StandardLibrariesAreAbsent_AndWithThemPresent()
    {
        using var scope = new RequestScope();
        const string post = "response.load():data():set('has', tostring ~= nil and string ~= nil)";

        var closed = await Proxy(new LuaOptions { Post = "response.load():data():set('has', string ~= nil)" }, new Recorder("{}"))
            .InvokeAsync(Request(scope), CancellationToken.None);
        var open = await Proxy(new LuaOptions { Post = post, AllowOpenLibs = true }, new Recorder("{}"))
            .InvokeAsync(Request(scope), CancellationToken.None);

        Assert.Equal("""{"has":false}""", Render(closed.Response!));
        Assert.Equal("""{"has":true}""", Render(open.Response!));
    }

    [Fact]
    public async Task ConcurrentRequests_EachGetTheirOwnState()
    {
        var script = LuaScript.Build(new LuaOptions
        {
            Namespace = "modifier/lua-backend",
            Sources = [],
            Pre = "local r = request.load(); mine = r:params('Id'); r:url(r:url() .. mine)",
        }, "backend /b of endpoint /e");

        var tasks = new List<Task<string?>>();
        for (var i = 0; i < 64; i++)
        {
            var id = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            tasks.Add(Task.Run(async () =>
            {
                using var scope = new RequestScope();
                var next = new Recorder();
                await new LuaProxy(script, next, ["Id"], _ => "u").InvokeAsync(Request(scope, id), CancellationToken.None);
                return next.Seen!.BackendUrl;
            }));
        }
        var urls = await Task.WhenAll(tasks);

        for (var i = 0; i < urls.Length; i++) Assert.Equal("u" + i, urls[i]);
    }

    // A stopped script answers at its deadline; a generous bound keeps a loaded machine from failing the test.
    private static readonly TimeSpan Late = TimeSpan.FromSeconds(2);

    // On the thread pool and for at most 5 s: a script nothing stops fails the test instead of hanging it.
    private static Task<ProxyResult> Bounded(Func<ValueTask<ProxyResult>> call) => Task.Run(() => call().AsTask()).WaitAsync(TimeSpan.FromSeconds(5));

    [Fact]
    public async Task RunawayPre_IsStoppedAtTheDeadline_AndTheBackendIsNotCalled()
    {
        using var scope = new RequestScope();
        var next = new Recorder();
        var proxy = Proxy(new LuaOptions { Pre = "while true do end" }, next);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await Bounded(() => proxy.InvokeAsync(Request(scope), deadline.Token));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), Late);
        Assert.Null(result.Response);
        Assert.Equal(0, result.Error!.StatusCode); // KrakenD's default: 500, or a partial answer when merged
        Assert.Equal(0, next.Calls);
    }

    [Fact]
    public async Task RunawayPost_IsStoppedAtTheDeadline()
    {
        using var scope = new RequestScope();
        var proxy = Proxy(new LuaOptions { Post = "while true do end" }, new Recorder());
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var result = await Bounded(() => proxy.InvokeAsync(Request(scope), deadline.Token));

        Assert.Null(result.Response);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public async Task ClientHangingUp_StopsARunawayScript()
    {
        using var scope = new RequestScope();
        var proxy = Proxy(new LuaOptions { Pre = "while true do end" }, new Recorder());
        using var aborted = new CancellationTokenSource();
        var running = Task.Run(() => proxy.InvokeAsync(Request(scope), aborted.Token).AsTask());
        await Task.Delay(100);
        Assert.False(running.IsCompleted);

        aborted.Cancel();
        var result = await running.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.NotNull(result.Error);
    }

    [Fact]
    public async Task StoppedState_IsNotReused_AndTheNextRequestRunsNormally()
    {
        // runs counts the runs a state has seen: a state stopped mid-script and pooled again would say 2.
        var script = LuaScript.Build(new LuaOptions
        {
            Namespace = "modifier/lua-backend",
            Pre = """
                runs = (runs or 0) + 1
                local r = request.load()
                r:headers("X-Runs", runs .. "")
                if r:params("Loop") == "1" then while true do end end
                """,
        }, "backend /b of endpoint /e");
        var next = new Recorder();
        using (var scope = new RequestScope())
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var stopped = await Bounded(() => new LuaProxy(script, next, ["Loop"], _ => "u").InvokeAsync(Request(scope, "1"), deadline.Token));
            Assert.NotNull(stopped.Error);
        }

        using var scope2 = new RequestScope();
        var result = await new LuaProxy(script, next, ["Loop"], _ => "u").InvokeAsync(Request(scope2, "0"), CancellationToken.None);

        Assert.True(result.Error is null, result.Error?.Message);
        Assert.Contains(next.Seen!.Headers, h => h.Key == "X-Runs" && h.Value == "1");
    }

    [Theory]
    [InlineData("while true do pcall(function() while true do end end) end")]
    [InlineData("local co = coroutine.wrap(function() while true do end end) co() while true do co() end")]
    [InlineData("coroutine.wrap(function() while true do end end)()")]
    [InlineData("if debug.sethook then debug.sethook() end while true do end")]
    [InlineData("local t = setmetatable({}, {__index = function(t, k) while true do end end}) local x = t.x")]
    public async Task RunawayScripts_CannotEscapeTheDeadline(string pre)
    {
        using var scope = new RequestScope();
        var proxy = Proxy(new LuaOptions { Pre = pre, AllowOpenLibs = true }, new Recorder());
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var result = await Bounded(() => proxy.InvokeAsync(Request(scope), deadline.Token));

        Assert.NotNull(result.Error);
    }

    [Fact]
    public async Task BinaryChunksAreRefused_TextStillLoads()
    {
        using var scope = new RequestScope();
        const string post = """
            local f, err = load(string.dump(function() return 1 end))
            local g = load("return 2")
            local h = load("return x", "chunk", "bt", {x = 3})
            response.load():data():set("binary", f == nil and err:find("binary", 1, true) ~= nil)
            response.load():data():set("text", g())
            response.load():data():set("env", h())
            """;

        var result = await Proxy(new LuaOptions { Post = post, AllowOpenLibs = true }, new Recorder("{}")).InvokeAsync(Request(scope), CancellationToken.None);

        Assert.Equal("""{"binary":true,"env":3,"text":2}""", Render(result.Response!));
    }

    [Fact]
    public async Task FinalizersAreNotRegistered_AsInKrakendsLua()
    {
        using var scope = new RequestScope();
        const string post = """
            local ran = false
            setmetatable({}, {__gc = function() ran = true end})
            debug.setmetatable({}, {__gc = function() ran = true end})
            collectgarbage() collectgarbage()
            response.load():data():set("ran", ran)
            """;

        var result = await Proxy(new LuaOptions { Post = post, AllowOpenLibs = true }, new Recorder("{}")).InvokeAsync(Request(scope), CancellationToken.None);

        Assert.Equal("""{"ran":false}""", Render(result.Response!));
    }
}
