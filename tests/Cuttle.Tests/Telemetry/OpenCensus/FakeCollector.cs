using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Cuttle.Tests.Telemetry.OpenCensus;

/// <summary>A collector on 127.0.0.1 (Kestrel, ephemeral port) that keeps every POST: content type, path and body.</summary>
internal sealed class FakeCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Post(string Path, string? ContentType, byte[] Body);

    private FakeCollector(WebApplication app) => _app = app;

    public ConcurrentQueue<Post> Posts { get; } = new();
    public int Port { get; private set; }

    public static async Task<FakeCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var collector = new FakeCollector(app);
        app.Run(async ctx =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            collector.Posts.Enqueue(new Post(ctx.Request.Path.Value ?? "", ctx.Request.ContentType, ms.ToArray()));
            ctx.Response.StatusCode = 202;
        });
        await app.StartAsync();
        collector.Port = new Uri(app.Urls.First()).Port;
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
