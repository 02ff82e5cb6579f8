using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Hosting.Tls;

/// <summary>
/// A hostile HTTP/2 client against the real gateway on a clear-text <c>use_h2c</c> port, speaking raw frames: bytes
/// HTTP/2 can carry but HTTP/1.1 cannot (CR/LF in a value, connection-specific headers) must never reach the HTTP/1.1
/// backend; frame floods and broken compression close that connection only; a client that stalls in the preface is
/// cut off like one that stalls in a request head. After each attack a well-behaved HTTP/2 client is still served.
/// </summary>
public sealed class HostileHttp2Tests
{
    private const int Data = RawHttp2.Data, Headers = RawHttp2.Headers, RstStream = RawHttp2.RstStream, GoAway = RawHttp2.GoAway, Continuation = RawHttp2.Continuation;
    private const byte EndStream = RawHttp2.EndStream, EndHeaders = RawHttp2.EndHeaders;

    private static async Task<(RecordingBackend Backend, GatewayHarness Gateway)> StartAsync(string extra = "")
    {
        var backend = new RecordingBackend(_ => "{\"ok\":true}");
        var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "use_h2c": true, {{extra}}
              "endpoints": [
                { "endpoint": "/api", "input_headers": ["*"], "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/api" } ] },
                { "endpoint": "/post", "method": "POST", "input_headers": ["*"], "output_encoding": "no-op",
                  "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/post", "encoding": "no-op" } ] } ] }
            """);
        return (backend, gw);
    }

    /// <summary>A well-behaved HTTP/2 (prior knowledge) request still gets its answer.</summary>
    private static async Task AssertStillServesAsync(GatewayHarness gw)
    {
        using var client = new HttpClient { BaseAddress = gw.Client.BaseAddress };
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Theory]
    [InlineData("x-evil", "a\r\nInjected: 1")]
    [InlineData("x-evil", "a\nInjected: 1")]
    [InlineData("x-evil", "a\0b")]
    [InlineData("x-evil\r\ninjected", "1")]
    [InlineData("transfer-encoding", "chunked")]
    [InlineData("connection", "keep-alive")]
    [InlineData("keep-alive", "timeout=5")]
    [InlineData("proxy-connection", "keep-alive")]
    [InlineData("upgrade", "websocket")]
    [InlineData("te", "gzip")]
    [InlineData("x-evil:", "1")]
    [InlineData("x evil", "1")]
    public async Task A_header_http11_cannot_carry_is_refused_and_never_reaches_the_backend(string name, string value)
    {
        var (backend, gw) = await StartAsync();
        await using var _ = backend;
        await using var __ = gw;

        await using var h2 = await RawHttp2.ConnectAsync(gw.Port);
        await h2.SendAsync(Headers, EndHeaders | EndStream, 1, Hpack.Request("GET", "/api", (name, value)));
        var answer = await h2.ReadUntilAsync(f => f.Stream == 1 && f.Type is RstStream or Headers || f.Type == GoAway);

        // Refused: a stream or connection error (Go: RST_STREAM PROTOCOL_ERROR), or Kestrel's 400; the backend is not called.
        Assert.True(answer.Type != Headers || Hpack.Status(answer.Payload) == 400, $"frame {answer.Type}, status {(answer.Type == Headers ? Hpack.Status(answer.Payload) : 0)}");
        Assert.Equal("", backend.Received);
        await AssertStillServesAsync(gw);
    }

    [Fact]
    public async Task Te_trailers_is_the_one_connection_header_http2_allows()
    {
        var (backend, gw) = await StartAsync();
        await using var _ = backend;
        await using var __ = gw;

        await using var h2 = await RawHttp2.ConnectAsync(gw.Port);
        await h2.SendAsync(Headers, EndHeaders | EndStream, 1, Hpack.Request("GET", "/api", ("te", "trailers"), ("x-fine", "1")));
        var answer = await h2.ReadUntilAsync(f => f.Stream == 1 && f.Type is RstStream or Headers || f.Type == GoAway);

        Assert.Equal(Headers, answer.Type);
        Assert.Equal(200, Hpack.Status(answer.Payload));
        Assert.Contains("X-Fine: 1", backend.Received, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_body_longer_than_its_content_length_is_a_stream_error_and_the_extra_bytes_go_nowhere()
    {
        var (backend, gw) = await StartAsync();
        await using var _ = backend;
        await using var __ = gw;

        await using var h2 = await RawHttp2.ConnectAsync(gw.Port);
        await h2.SendAsync(Headers, EndHeaders, 1, Hpack.Request("POST", "/post", ("content-length", "5")));
        await h2.SendAsync(Data, EndStream, 1, Encoding.ASCII.GetBytes("hello\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"));
        var answer = await h2.ReadUntilAsync(f => f.Stream == 1 && f.Type is RstStream or Headers || f.Type == GoAway);

        Assert.True(answer.Type != Headers || Hpack.Status(answer.Payload) == 400, $"frame {answer.Type}");
        Assert.DoesNotContain("/smuggled", backend.Received, StringComparison.Ordinal);
        await AssertStillServesAsync(gw);
    }

    [Fact]
    public async Task A_continuation_flood_is_cut_off_at_the_header_limit()
    {
        var (backend, gw) = await StartAsync("\"max_header_bytes\": 16384,");
        await using var _ = backend;
        await using var __ = gw;

        await using var h2 = await RawHttp2.ConnectAsync(gw.Port);
        await h2.SendAsync(Headers, 0, 1, Hpack.Request("GET", "/api"));
        // CVE-2024-27316's shape: header blocks that never end. 16 KB of header list is allowed; send 64 MB worth.
        var block = Hpack.Literal("x-flood", new string('a', 4000));
        var cutOff = false;
        try
        {
            for (var i = 0; i < 16_000; i++) await h2.SendAsync(Continuation, 0, 1, block);
        }
        catch (IOException) { cutOff = true; }
        catch (SocketException) { cutOff = true; }
        if (!cutOff)
        {
            var answer = await h2.ReadUntilAsync(f => f.Type == GoAway || f.Stream == 1 && f.Type is RstStream or Headers);
            Assert.True(answer.Type != Headers || Hpack.Status(answer.Payload) == 431, $"frame {answer.Type}");
        }
        Assert.DoesNotContain("x-flood", backend.Received, StringComparison.OrdinalIgnoreCase);
        await AssertStillServesAsync(gw);
    }

    [Fact]
    public async Task Broken_header_compression_closes_that_connection_with_a_compression_error()
    {
        var (backend, gw) = await StartAsync();
        await using var _ = backend;
        await using var __ = gw;

        await using var h2 = await RawHttp2.ConnectAsync(gw.Port);
        // An indexed field far past the static table with an empty dynamic table.
        await h2.SendAsync(Headers, EndHeaders | EndStream, 1, [0xFF, 0xFF, 0x7F]);
        var answer = await h2.ReadUntilAsync(f => f.Type == GoAway);

        Assert.Equal(0x9u, BinaryPrimitives.ReadUInt32BigEndian(answer.Payload.AsSpan(4))); // COMPRESSION_ERROR
        Assert.Equal(0, backend.Connections);
        await AssertStillServesAsync(gw);
    }

    [Fact]
    public async Task Rapid_reset_does_not_take_the_gateway_down()
    {
        var (backend, gw) = await StartAsync();
        await using var _ = backend;
        await using var __ = gw;

        // CVE-2023-44487's shape: open a stream and cancel it at once, thousands of times on one connection.
        await using var h2 = await RawHttp2.ConnectAsync(gw.Port);
        try
        {
            for (var stream = 1; stream < 20_000; stream += 2)
            {
                await h2.SendAsync(Headers, EndHeaders | EndStream, stream, Hpack.Request("GET", "/api"));
                await h2.SendAsync(RstStream, 0, stream, [0, 0, 0, 0x8]); // CANCEL
            }
        }
        catch (IOException) { /* the gateway may close such a connection: that is one way to defend */ }
        catch (SocketException) { }

        await AssertStillServesAsync(gw);
    }

    [Fact]
    public async Task A_client_that_stalls_inside_the_preface_is_disconnected_after_the_header_timeout()
    {
        var (backend, gw) = await StartAsync("\"read_header_timeout\": \"1s\",");
        await using var _ = backend;
        await using var __ = gw;

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, gw.Port);
        await socket.SendAsync("PRI * HTTP/2.0\r\n"u8.ToArray(), SocketFlags.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[1024];
        int read;
        try
        {
            // Whatever the gateway answers (nothing, or a GOAWAY), the connection must end.
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0) { }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("a connection stalled in the HTTP/2 preface was still open after 15 s (read_header_timeout is 1 s)");
        }
        catch (SocketException) { /* reset: closed as well */ }
        await AssertStillServesAsync(gw);
    }
}
