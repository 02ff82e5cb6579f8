using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Cuttle.Tests.Support;

/// <summary>A real Kestrel backend on 127.0.0.1 with an ephemeral port; records every request it receives.</summary>
public sealed class FakeBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Seen(string Method, string PathAndQuery, Dictionary<string, string> Headers, string Body);

    public ConcurrentQueue<Seen> Requests { get; } = new();

    private FakeBackend(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<FakeBackend> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        var backend = new FakeBackend(app);
        app.Run(async ctx =>
        {
            // Recorded first, then handed to the handler again: a handler reading the body sees all of it.
            var buffered = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffered);
            var body = System.Text.Encoding.UTF8.GetString(buffered.GetBuffer(), 0, (int)buffered.Length);
            buffered.Position = 0;
            ctx.Request.Body = buffered;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (k, v) in ctx.Request.Headers) headers[k] = v.ToString();
            backend.Requests.Enqueue(new Seen(ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString, headers, body));
            await handler(ctx);
        });
        await app.StartAsync();
        backend.Url = app.Urls.First();
        return backend;
    }

    /// <summary>A backend answering every request with one fixed JSON body.</summary>
    public static Task<FakeBackend> JsonAsync(string json, int status = 200) => StartAsync(async ctx =>
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json);
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
