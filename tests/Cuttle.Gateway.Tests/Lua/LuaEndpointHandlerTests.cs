using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Lua;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cuttle.Gateway.Tests.Lua;

public sealed class LuaEndpointHandlerTests
{
    private sealed class Inner : IEndpointHandler
    {
        public HttpRequest? Seen { get; private set; }
        public string[]? Params { get; private set; }

        public Task HandleAsync(HttpContext context, string[] parameters)
        {
            Seen = context.Request;
            Params = parameters;
            return Task.CompletedTask;
        }
    }

    private static LuaEndpointHandler Handler(string pre, Inner inner, TimeSpan? timeout = null) => new(inner,
        LuaScript.Build(new LuaOptions { Namespace = "modifier/lua-endpoint", Pre = pre }, "endpoint /e/{id}"), ["id"], "/e/{id}",
        timeout ?? TimeSpan.FromSeconds(2), NullLogger.Instance);

    private static DefaultHttpContext Context(string? body = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/e/7";
        context.Request.QueryString = new QueryString("?b=2");
        context.Request.Headers["X-In"] = "in";
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            context.Request.ContentLength = body.Length;
        }
        return context;
    }

    [Fact]
    public async Task PreScript_RewritesTheLiveRequestBeforeTheEndpoint()
    {
        var inner = new Inner();
        var context = Context("hello");

        await Handler("""
            local c = ctx.load()
            c:headers("X-Out", c:headers("X-In") .. c:params("id") .. c:body())
            c:query("a", "1")
            c:params("id", "8")
            c:body("bye")
            """, inner).HandleAsync(context, ["7"]);

        Assert.Equal("in7hello", inner.Seen!.Headers["X-Out"].ToString());
        Assert.Equal("?a=1&b=2", inner.Seen.QueryString.Value);
        Assert.Equal("8", inner.Params![0]);
        Assert.Equal("bye", await new StreamReader(inner.Seen.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task CustomError_AnswersWithItsStatusAndContentType_WithoutCallingTheEndpoint()
    {
        var inner = new Inner();
        var context = Context();

        await Handler("custom_error('nope', 403, 'text/plain')", inner).HandleAsync(context, ["7"]);

        Assert.Null(inner.Seen);
        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal("text/plain", context.Response.ContentType);
    }

    [Fact]
    public async Task RunawayPre_IsStoppedAtTheEndpointTimeout_With500()
    {
        var inner = new Inner();
        var context = Context();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var handler = Handler("while true do end", inner, TimeSpan.FromMilliseconds(300));
        await Task.Run(() => handler.HandleAsync(context, ["7"])).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
        Assert.Null(inner.Seen);
        Assert.Equal(500, context.Response.StatusCode);
    }

    [Fact]
    public async Task ClientHangingUp_StopsARunawayPre()
    {
        var inner = new Inner();
        var context = Context();
        using var aborted = new CancellationTokenSource();
        context.RequestAborted = aborted.Token;
        var handler = Handler("while true do end", inner, TimeSpan.FromMinutes(5));
        var running = Task.Run(() => handler.HandleAsync(context, ["7"]));
        await Task.Delay(100);
        Assert.False(running.IsCompleted);

        aborted.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Null(inner.Seen);
    }
}
