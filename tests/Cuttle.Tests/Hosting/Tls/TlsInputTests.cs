using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cuttle.Testing;
using Cuttle.Tests.Support;
using Xunit.Abstractions;

namespace Cuttle.Tests.Hosting.Tls;

/// <summary>
/// A raw HTTP/1.1 client over TLS (or clear text) on one keep-alive connection: writes request bytes as given, and
/// reads whole responses (Content-Length framed). It allocates nothing per request once running: it waits for the
/// socket with a zero-byte receive before it asks the SslStream, as the server side now does.
/// </summary>
internal sealed class RawHttpsClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SslStream? _ssl;
    private readonly byte[] _buffer = new byte[16384];
    private int _start, _end;
    private bool _sslMayHoldData = true;

    private RawHttpsClient(Socket socket, SslStream? ssl)
    {
        _socket = socket;
        _ssl = ssl;
    }

    /// <summary>Connects; with <paramref name="issuer"/>, over TLS to a server whose certificate that CA issued.</summary>
    public static async Task<RawHttpsClient> ConnectAsync(int port, string? issuer)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        if (issuer is null) return new RawHttpsClient(socket, null);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Issuer == issuer,
        });
        return new RawHttpsClient(socket, ssl);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes) =>
        _ssl is not null ? _ssl.WriteAsync(bytes) : SendAllAsync(bytes);

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> bytes)
    {
        while (bytes.Length > 0) bytes = bytes[await _socket.SendAsync(bytes, SocketFlags.None)..];
    }

    /// <summary>Reads one response; returns its status code and body length.</summary>
    public async ValueTask<(int Status, int BodyLength)> ReadResponseAsync()
    {
        while (true)
        {
            var head = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (head >= 0)
            {
                var (status, length) = Parse(_buffer.AsSpan(_start, head));
                var total = head + 4 + length;
                while (_end - _start < total) await FillAsync();
                _start += total;
                if (_start == _end) _start = _end = 0;
                return (status, length);
            }
            await FillAsync();
        }
    }

    private static (int Status, int Length) Parse(ReadOnlySpan<byte> head)
    {
        var status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        var at = head.IndexOf("Content-Length: "u8);
        if (at < 0) at = head.IndexOf("content-length: "u8);
        if (at < 0) throw new InvalidOperationException("no Content-Length: " + Encoding.ASCII.GetString(head));
        var length = 0;
        for (var i = at + 16; i < head.Length && head[i] is >= (byte)'0' and <= (byte)'9'; i++) length = length * 10 + head[i] - '0';
        return (status, length);
    }

    private async ValueTask FillAsync()
    {
        if (_start > 0 && _end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var free = _buffer.AsMemory(_end);
        int n;
        if (_ssl is null)
        {
            n = await _socket.ReceiveAsync(free, SocketFlags.None);
        }
        else
        {
            if (!_sslMayHoldData) await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
            n = await _ssl.ReadAsync(free);
            _sslMayHoldData = n == free.Length;
        }
        if (n == 0) throw new IOException("the server closed the connection");
        _end += n;
    }

    /// <summary>True when the server closed the connection (TLS close or FIN) within <paramref name="timeout"/>.</summary>
    public async Task<bool> ClosedWithinAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var n = _ssl is not null ? await _ssl.ReadAsync(_buffer.AsMemory(_end), cts.Token) : await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cts.Token);
            return n == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ssl is not null) await _ssl.DisposeAsync();
        _socket.Dispose();
    }
}

/// <summary>
/// The HTTPS listener's request side (<see cref="Cuttle.Hosting.Tls.TlsInput"/>): the bytes Kestrel parses are the
/// decrypted stream whatever its TLS records and packets look like, and an idle keep-alive connection still wakes for
/// a graceful stop.
/// </summary>
public sealed class TlsInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-tls-input-").FullName;
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create();

    public void Dispose()
    {
        _ca.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    internal static string Config(string backendUrl, string? tls) => $$"""
        { "version": 3, "port": 0, "timeout": "2s", {{(tls is null ? "" : "\"tls\": " + tls + ",")}}
          "endpoints": [
            { "endpoint": "/api", "output_encoding": "no-op", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/data", "encoding": "no-op" } ] },
            { "endpoint": "/echo", "method": "POST", "output_encoding": "no-op", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/echo", "encoding": "no-op" } ] } ] }
        """;

    internal static string Tls(TestCertificate certificate, string dir)
    {
        var (cert, key) = certificate.WriteTo(dir);
        return $$"""{ "public_key": {{JsonSerializer.Serialize(cert)}}, "private_key": {{JsonSerializer.Serialize(key)}} }""";
    }

    /// <summary>Answers /data with a small JSON body and /echo with the length of the request body it got.</summary>
    internal static Task<FakeBackend> Backend() => FakeBackend.StartAsync(async ctx =>
    {
        if (ctx.Request.Path == "/echo")
        {
            var length = 0L;
            var chunk = new byte[8192];
            int n;
            while ((n = await ctx.Request.Body.ReadAsync(chunk)) > 0) length += n;
            await WriteAsync(ctx, $$"""{"length":{{length}}}""");
            return;
        }
        await WriteAsync(ctx, """{"hello":"world"}""");
    });

    // Content-Length framed, which the no-op endpoint passes on (the raw client reads no chunked bodies).
    private static Task WriteAsync(HttpContext ctx, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = bytes.Length;
        return ctx.Response.Body.WriteAsync(bytes).AsTask();
    }

    private static readonly byte[] Get = "GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray();

    [Fact]
    public async Task Pipelined_requests_in_one_record_and_a_request_split_across_records_and_packets_are_all_answered()
    {
        await using var backend = await Backend();
        using var server = _ca.IssueServer("localhost");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, Tls(server, _dir)));
        await using var client = await RawHttpsClient.ConnectAsync(gw.Port, _ca.Certificate.Subject);

        // Three requests in one TLS record: the SslStream returns them together, the reader hands them out in turn.
        await client.WriteAsync(Get.Concat(Get).Concat(Get).ToArray());
        for (var i = 0; i < 3; i++) Assert.Equal((200, 17), await client.ReadResponseAsync());

        // One request a byte per record, each record flushed alone: many short reads, each waiting on the socket.
        for (var i = 0; i < Get.Length; i++) await client.WriteAsync(Get.AsMemory(i, 1));
        Assert.Equal((200, 17), await client.ReadResponseAsync());

        // Keep-alive after all that, many times: every wait for the next request goes through the socket first.
        for (var i = 0; i < 50; i++)
        {
            await client.WriteAsync(Get);
            Assert.Equal((200, 17), await client.ReadResponseAsync());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // the same exchange in clear text, for comparison
    public async Task A_request_body_larger_than_the_read_buffer_and_records_arrives_whole(bool tls)
    {
        await using var backend = await Backend();
        using var server = _ca.IssueServer("localhost");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, tls ? Tls(server, _dir) : null));
        await using var client = await RawHttpsClient.ConnectAsync(gw.Port, tls ? _ca.Certificate.Subject : null);
        var body = new byte[300_000];
        Random.Shared.NextBytes(body);
        var head = Encoding.ASCII.GetBytes($"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\n\r\n");

        for (var round = 0; round < 2; round++)
        {
            await client.WriteAsync(head);
            // Uneven writes: some records end mid-way through the reader's buffer, some fill several of them.
            for (var at = 0; at < body.Length;)
            {
                var n = Math.Min(body.Length - at, 1 + (at * 7919 % 40_000));
                await client.WriteAsync(body.AsMemory(at, n));
                at += n;
            }
            // Answered, and the next request on the connection parses: the body was read to its last byte, no further.
            Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        }
        await client.WriteAsync(Get);
        Assert.Equal((200, 17), await client.ReadResponseAsync());
    }

    [Fact]
    public async Task A_graceful_stop_closes_an_idle_keep_alive_https_connection()
    {
        await using var backend = await Backend();
        using var server = _ca.IssueServer("localhost");
        var gw = await GatewayHarness.StartAsync(Config(backend.Url, Tls(server, _dir)));
        await using var client = await RawHttpsClient.ConnectAsync(gw.Port, _ca.Certificate.Subject);
        await client.WriteAsync(Get);
        Assert.Equal((200, 17), await client.ReadResponseAsync());

        // The connection now waits for its next request; stopping the server must wake it (CancelPendingRead).
        var stopping = gw.DisposeAsync().AsTask();
        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(10)), "the idle connection was not closed by the stop");
        await stopping;
    }

    [Fact]
    public async Task A_client_that_closes_after_its_request_gets_the_answer_and_the_connection_ends()
    {
        await using var backend = await Backend();
        using var server = _ca.IssueServer("localhost");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, Tls(server, _dir)));
        await using var client = await RawHttpsClient.ConnectAsync(gw.Port, _ca.Certificate.Subject);

        await client.WriteAsync("GET /api HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());

        Assert.Equal((200, 17), await client.ReadResponseAsync());
        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(10)));
    }
}

/// <summary>
/// What HTTPS adds to a keep-alive request in allocations: the same requests over TLS and over clear text, from the
/// same client, the difference divided by the requests. Waiting for the next request through Kestrel's stream reader
/// over the SslStream cost about 550 bytes of async boxes per request under concurrency.
/// </summary>
[Collection(nameof(ProcessWideMeasurements))] // the whole process is measured: no other test may run meanwhile
public sealed class TlsInputAllocationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-tls-alloc-").FullName;
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create();

    public void Dispose()
    {
        _ca.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static readonly byte[] Get = "GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray();

    private static async Task<long> BytesPerRequestAsync(int port, string? issuer)
    {
        const int Connections = 32, Warm = 50, Measured = 150;
        var clients = new RawHttpsClient[Connections];
        for (var i = 0; i < Connections; i++) clients[i] = await RawHttpsClient.ConnectAsync(port, issuer);
        try
        {
            await Task.WhenAll(clients.Select(c => Loop(c, Warm)));
            return await AllocationProbe.LeastBytesPerOperationAsync(
                () => Task.WhenAll(clients.Select(c => Loop(c, Measured))), Connections * Measured, runs: 3);
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }

        static async Task Loop(RawHttpsClient client, int n)
        {
            for (var i = 0; i < n; i++)
            {
                await client.WriteAsync(Get);
                var (status, _) = await client.ReadResponseAsync();
                if (status != 200) throw new InvalidOperationException("status " + status);
            }
        }
    }

    [Fact]
    public async Task Https_keep_alive_allocates_at_most_a_little_more_per_request_than_clear_text()
    {
        await using var backend = await TlsInputTests.Backend();
        using var server = _ca.IssueServer("localhost");
        await using var plainGw = await GatewayHarness.StartAsync(TlsInputTests.Config(backend.Url, null));
        await using var tlsGw = await GatewayHarness.StartAsync(TlsInputTests.Config(backend.Url, TlsInputTests.Tls(server, _dir)));

        // Twice each, interleaved; the smaller of each pair (a stray allocation elsewhere only adds).
        var plain = await BytesPerRequestAsync(plainGw.Port, null);
        var https = await BytesPerRequestAsync(tlsGw.Port, _ca.Certificate.Subject);
        plain = Math.Min(plain, await BytesPerRequestAsync(plainGw.Port, null));
        https = Math.Min(https, await BytesPerRequestAsync(tlsGw.Port, _ca.Certificate.Subject));

        output.WriteLine($"clear text {plain} B/request, https {https} B/request (+{https - plain})");
        Assert.True(https - plain <= 200, $"an https request allocates {https - plain} B more than a clear-text one ({https} vs {plain})");
    }
}
