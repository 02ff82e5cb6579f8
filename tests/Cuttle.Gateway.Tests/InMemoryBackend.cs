using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Cuttle.Config;
using Cuttle.Config.Model;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Tests;

/// <summary>
/// A backend that lives in memory: the generation's backend calls reach it through <see cref="GenerationOptions.BackendHandler"/>
/// (no sockets), it answers with <see cref="Answer"/> and records what it was sent.
/// </summary>
internal sealed class InMemoryBackend(Func<InMemoryBackend.Request, HttpResponseMessage> answer) : HttpMessageHandler
{
    /// <summary>What the backend saw of one call (copied: the message is disposed after it is sent).</summary>
    internal sealed record Request(string Method, Uri Url, Dictionary<string, string> Headers, string Body);

    public ConcurrentQueue<Request> Received { get; } = new();

    public bool Disposed { get; private set; }

    /// <summary>How long the backend takes before it answers (cancelled with the call).</summary>
    public TimeSpan Delay { get; init; }

    public Func<Request, HttpResponseMessage> Answer { get; } = answer;

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken ct)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in message.Headers) headers[name] = string.Join(", ", values);
        var body = "";
        if (message.Content is { } content)
        {
            foreach (var (name, values) in content.Headers) headers[name] = string.Join(", ", values);
            body = await content.ReadAsStringAsync(ct);
        }
        var request = new Request(message.Method.Method, message.RequestUri!, headers, body);
        Received.Enqueue(request);
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, ct);
        var response = Answer(request);
        response.RequestMessage = message;
        return response;
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    /// <summary>Compiles a krakend.json whose every backend call goes to <paramref name="backend"/>.</summary>
    public static Generation Build(string json, InMemoryBackend backend)
    {
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return GenerationBuilder.Build(loaded.Config!, new GenerationOptions { BackendHandler = backend });
    }

    /// <summary>Serves one request on <paramref name="generation"/> and returns what its client would see.</summary>
    public static async Task<(int Status, IHeaderDictionary Headers, string Body)> Serve(Generation generation, string method, string pathAndQuery,
        params (string Name, string Value)[] headers)
    {
        // A real request comes from a socket: gin's ClientIP is "" without its address and then reads no forwarding header.
        var context = new DefaultHttpContext { Connection = { RemoteIpAddress = System.Net.IPAddress.Loopback } };
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        context.Request.Method = method;
        context.Request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
        if (query >= 0) context.Request.QueryString = new QueryString(pathAndQuery[query..]);
        foreach (var (name, value) in headers) context.Request.Headers.Append(name, value);
        var body = new MemoryStream();
        context.Response.Body = body;
        await generation.HandleAsync(context);
        await context.Response.CompleteAsync();
        return (context.Response.StatusCode, context.Response.Headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    public static GatewayConfig Parse(string json) => ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json").Config!;
}
