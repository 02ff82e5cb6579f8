using System.Text;
using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Lua;
using Cuttle.Gateway.Proxy;
using Microsoft.Extensions.Primitives;
using Xunit;

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
}
