using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Hosting.Connections;

/// <summary>
/// write_timeout and read_timeout as Go's http.Server applies them, through the real gateway on both socket transports,
/// over clear text, TLS and HTTP/2 (h2c): a handler slower than write_timeout is cut (HTTP/1.x: the connection closes
/// with no response; HTTP/2: the stream is reset with INTERNAL_ERROR), per request, so keep-alive goes on; a request
/// body still arriving at read_timeout fails (HTTP/1.x: the connection closes).
/// </summary>
public sealed class RequestDeadlinesTests
{
    // The backend's /slow answers after 3 s. A test that also needs fast answers sets write_timeout to 1 s, so that a
    // loaded machine's slow first request is not cut; it expects the cut well before the 3 s.
    private static readonly TimeSpan Cut = TimeSpan.FromMilliseconds(1500), CutAfterOneSecond = TimeSpan.FromMilliseconds(2300);

    private static Task<FakeBackend> Backend() => FakeBackend.StartAsync(async ctx =>
    {
        if (ctx.Request.Path.StartsWithSegments("/slow")) await Task.Delay(3000);
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync("{\"ok\":true}");
    });

    private static string Config(string backendUrl, string extra) => $$"""
        { "version": 3, "timeout": "10s", {{extra}}
          "endpoints": [
            { "endpoint": "/slow", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/slow" } ] },
            { "endpoint": "/fast", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/fast" } ] },
            { "endpoint": "/slowpost", "method": "POST", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/slow", "method": "GET" } ] },
            { "endpoint": "/post", "method": "POST", "output_encoding": "no-op",
              "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/post", "encoding": "no-op" } ] } ] }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_handler_slower_than_write_timeout_has_its_connection_closed_with_no_response(bool kestrelTransport)
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "\"write_timeout\": \"400ms\","), kestrelSocketTransport: kestrelTransport);

        var clock = Stopwatch.StartNew();
        var received = await RawClient.SendAndReadToCloseAsync(gw.Port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal("", received);
        Assert.True(clock.Elapsed < Cut, $"closed after {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_write_deadline_is_per_request_so_keep_alive_goes_on_until_one_is_too_slow(bool kestrelTransport)
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "\"write_timeout\": \"1s\","), kestrelSocketTransport: kestrelTransport);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, gw.Port);
        var stream = client.GetStream();

        // Two fast requests on one connection, more than write_timeout apart: the deadline starts with each request.
        for (var i = 0; i < 2; i++)
        {
            await stream.WriteAsync("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            Assert.Contains("{\"ok\":true}", await ReadResponseAsync(stream), StringComparison.Ordinal);
            await Task.Delay(1200);
        }

        var clock = Stopwatch.StartNew();
        await stream.WriteAsync("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        Assert.Equal("", await ReadToCloseAsync(stream));
        Assert.True(clock.Elapsed < CutAfterOneSecond, $"closed after {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Over_tls_a_handler_slower_than_write_timeout_has_its_connection_closed_with_no_response()
    {
        using var certificates = new TestCertificates();
        var tls = $$"""{ "public_key": {{JsonSerializer.Serialize(certificates.ServerPem)}}, "private_key": {{JsonSerializer.Serialize(certificates.ServerKeyPem)}} }""";
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, $"\"write_timeout\": \"1s\", \"tls\": {tls},"));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, gw.Port);
        await using var ssl = new SslStream(client.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Issuer == certificates.Ca.Subject,
        });

        // Fast first: TLS itself and keep-alive are unaffected.
        await ssl.WriteAsync("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        Assert.Contains("{\"ok\":true}", await ReadResponseAsync(ssl), StringComparison.Ordinal);

        var clock = Stopwatch.StartNew();
        await ssl.WriteAsync("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        Assert.Equal("", await ReadToCloseAsync(ssl));
        Assert.True(clock.Elapsed < CutAfterOneSecond, $"closed after {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_still_trickling_in_at_read_timeout_has_its_connection_closed(bool kestrelTransport)
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "\"read_timeout\": \"1s\","), kestrelSocketTransport: kestrelTransport);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, gw.Port);
        var stream = client.GetStream();

        var clock = Stopwatch.StartNew();
        await stream.WriteAsync("POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab"u8.ToArray());
        var reading = ReadToCloseAsync(stream);
        // One byte every 200 ms: the body would take 20 s; Kestrel's own minimum data rate would cut it only after 5 s.
        try
        {
            while (!reading.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(8))
            {
                await stream.WriteAsync("x"u8.ToArray());
                await Task.WhenAny(reading, Task.Delay(200));
            }
        }
        catch (IOException) { /* closed under the write */ }
        await reading.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(2500), $"closed after {clock.Elapsed.TotalMilliseconds:0} ms (read_timeout 1 s)");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"closed after {clock.Elapsed.TotalMilliseconds:0} ms, before read_timeout");
    }

    [Fact]
    public async Task A_body_received_in_full_is_not_cut_by_read_timeout_however_long_the_handler_takes()
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "\"read_timeout\": \"1s\","));

        // The whole body arrives with the head; the backend takes 2 s. Go fails only a read that waits on the client
        // past the deadline, so the answer comes (Kestrel already holds the bytes, as Go's connection buffer would).
        var answer = await RawClient.SendAndReadToCloseAsync(gw.Port, "POST /slowpost HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");

        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_http2_a_stream_slower_than_write_timeout_is_reset_with_internal_error_and_the_connection_serves_on()
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "\"use_h2c\": true, \"write_timeout\": \"1s\","));
        await using var h2 = await RawHttp2.ConnectAsync(gw.Port);

        var clock = Stopwatch.StartNew();
        await h2.SendAsync(RawHttp2.Headers, RawHttp2.EndHeaders | RawHttp2.EndStream, 1, Hpack.Request("GET", "/slow"));
        var answer = await h2.ReadUntilAsync(f => f.Stream == 1 && f.Type is RawHttp2.RstStream or RawHttp2.Headers || f.Type == RawHttp2.GoAway);

        Assert.Equal(RawHttp2.RstStream, answer.Type);
        Assert.Equal(0x2, BinaryPrimitives.ReadInt32BigEndian(answer.Payload)); // INTERNAL_ERROR, as Go's server
        Assert.True(clock.Elapsed < CutAfterOneSecond, $"reset after {clock.Elapsed.TotalMilliseconds:0} ms");

        // The connection is not closed: Go times out the stream, not the connection.
        await h2.SendAsync(RawHttp2.Headers, RawHttp2.EndHeaders | RawHttp2.EndStream, 3, Hpack.Request("GET", "/fast"));
        var next = await h2.ReadUntilAsync(f => f.Stream == 3 && f.Type is RawHttp2.RstStream or RawHttp2.Headers || f.Type == RawHttp2.GoAway);
        Assert.Equal(RawHttp2.Headers, next.Type);
        Assert.Equal(200, Hpack.Status(next.Payload));
    }

    [Fact]
    public async Task Over_http2_a_body_still_trickling_in_at_read_timeout_fails_that_stream_only()
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "\"use_h2c\": true, \"read_timeout\": \"1s\","));
        await using var h2 = await RawHttp2.ConnectAsync(gw.Port);

        var clock = Stopwatch.StartNew();
        await h2.SendAsync(RawHttp2.Headers, RawHttp2.EndHeaders, 1, Hpack.Request("POST", "/post", ("content-length", "100")));
        await h2.SendAsync(RawHttp2.Data, 0, 1, "ab"u8.ToArray());
        var ended = h2.ReadUntilAsync(f => f.Stream == 1 && (f.Type == RawHttp2.RstStream || (f.Flags & RawHttp2.EndStream) != 0) || f.Type == RawHttp2.GoAway);
        while (!ended.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(8))
        {
            await h2.SendAsync(RawHttp2.Data, 0, 1, "x"u8.ToArray());
            await Task.WhenAny(ended, Task.Delay(200));
        }
        var answer = await ended;

        // Go fails the stream's body read; the handler answers with the error it makes of that (KrakenD: 500), and only
        // that stream ends.
        Assert.Equal(RawHttp2.Headers, answer.Type);
        Assert.Equal(500, Hpack.Status(answer.Payload));
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(2500), $"stream ended after {clock.Elapsed.TotalMilliseconds:0} ms (read_timeout 1 s)");
        await h2.SendAsync(RawHttp2.Headers, RawHttp2.EndHeaders | RawHttp2.EndStream, 3, Hpack.Request("GET", "/fast"));
        var next = await h2.ReadUntilAsync(f => f.Stream == 3 && f.Type is RawHttp2.RstStream or RawHttp2.Headers || f.Type == RawHttp2.GoAway);
        Assert.Equal(200, Hpack.Status(next.Payload));
    }

    /// <summary>Reads one response with a Content-Length body.</summary>
    private static async Task<string> ReadResponseAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = new StringBuilder();
        var one = new byte[1];
        while (!text.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0) return text.ToString();
            text.Append((char)one[0]);
        }
        var head = text.ToString();
        var at = head.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
        Assert.True(at >= 0, head);
        var length = int.Parse(head.AsSpan(at + 16, head.IndexOf('\r', at) - at - 16), System.Globalization.CultureInfo.InvariantCulture);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, timeout.Token);
        return head + Encoding.Latin1.GetString(body);
    }

    /// <summary>What arrives until the server closes (a reset counts as closed); fails after 10 s.</summary>
    private static async Task<string> ReadToCloseAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0) text.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
        catch (IOException) { }
        catch (SocketException) { }
        catch (AuthenticationException) { }
        return text.ToString();
    }
}
