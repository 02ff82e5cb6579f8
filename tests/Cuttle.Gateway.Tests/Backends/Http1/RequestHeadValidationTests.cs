using System.Net;
using System.Net.Sockets;
using Cuttle.Gateway.Backends.Http1;
using Cuttle.Testing;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Tests.Backends.Http1;

/// <summary>
/// The lean client's last line of defence: a request line or header that would split the head is refused before a
/// single byte is written (Go's validMethod, httpguts.ValidHeaderFieldName/Value), whatever built the request.
/// </summary>
public sealed class RequestHeadValidationTests : IDisposable
{
    private readonly LeanHttpClient _client = new(new LeanClientOptions());

    public void Dispose() => _client.Dispose();

    public static TheoryData<string, string> Hostile => new()
    {
        { "method", "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\nGET" },
        { "method", "" },
        { "path", "/a\r\nX-Injected: 1" },
        { "path", "/a b" },
        { "path", "/a\0" },
        { "path", "/a\u007f" },
        { "authority", "127.0.0.1\r\nX-Injected: 1" },
        { "referer", "http://h/\r\nX-Injected: 1" },
        { "header-name", "X-Bad Name" },
        { "header-name", "X-Bad:Name" },
        { "header-name", "X-\r\nInjected" },
        { "header-name", "" },
        { "header-value", "a\r\nX-Injected: 1" },
        { "header-value", "a\nb" },
        { "header-value", "a\0b" },
        { "header-value", "a\u000bb" },
        { "header-value", "a\u007fb" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task HostileRequestHead_IsRefused_AndNothingReachesTheBackend(string part, string text)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var authority = "127.0.0.1:" + port;
        var path = part == "path" ? text : "/ok";
        var url = "http://" + authority + path;
        var request = new BackendRequest
        {
            Method = part == "method" ? text : "GET",
            Url = url,
            PathStart = "http://".Length + authority.Length,
            Authority = part == "authority" ? text : authority,
            Referer = part == "referer" ? text : null,
            Headers =
            [
                new("User-Agent", "KrakenD Version 2.x"),
                new(part == "header-name" ? text : "X-Test", part == "header-value" ? new StringValues(["fine", text]) : new StringValues("fine")),
            ],
        };

        // Bounded: a client that did send would wait for an answer that never comes.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<HttpRequestException>(async () => await _client.SendAsync(_client.GetPool("127.0.0.1", port), request, cts.Token));

        // The client connected before it built the head; the connection was closed without a byte on it.
        using var accepted = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(5));
        var buffer = new byte[1024];
        var received = await accepted.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, received);
    }

    [Fact]
    public async Task Tab_InAHeaderValue_IsAllowed_LikeGo()
    {
        await using var server = new RawServer(async (c, _) =>
        {
            while (await c.ReadRequestAsync() is not null) await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        });
        var authority = "127.0.0.1:" + server.Port;
        var request = new BackendRequest
        {
            Method = "GET", Url = "http://" + authority + "/ok", PathStart = "http://".Length + authority.Length, Authority = authority,
            Headers = [new("X-Tab", "a\tb \u00e9")],
        };

        using var response = await _client.SendAsync(_client.GetPool("127.0.0.1", server.Port), request, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("\r\nX-Tab: a\tb \u00c3\u00a9\r\n", Assert.Single(server.Requests)); // recorded as Latin-1: UTF-8 bytes
    }
}
