using System.IO.Compression;
using System.Net;
using System.Text;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Backends.Http1;
using Cuttle.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Tests.Backends.Http1;

public sealed class LeanHttpClientTests : IDisposable
{
    private readonly LeanHttpClient _client = new(new LeanClientOptions());

    public void Dispose() => _client.Dispose();

    private static BackendRequest Request(int port, string path = "/x", string method = "GET", BackendBodyKind body = BackendBodyKind.None,
        byte[]? bytes = null, long? contentLength = null)
    {
        var authority = "127.0.0.1:" + port;
        var url = "http://" + authority + path;
        return new BackendRequest
        {
            Method = method, Url = url, PathStart = "http://".Length + authority.Length, Authority = authority,
            Headers = [new("User-Agent", "KrakenD Version 2.x"), new("X-Multi", new(["a", "b"]))],
            BodyKind = body, BodyBytes = bytes, ContentLength = contentLength,
        };
    }

    private async Task<BackendResponse> Send(int port, string path = "/x", string method = "GET", CancellationToken ct = default) =>
        await _client.SendAsync(_client.GetPool("127.0.0.1", port), Request(port, path, method), ct);

    private static async Task<string> ReadAll(BackendResponse response, CancellationToken ct = default)
    {
        var all = new MemoryStream();
        var buffer = new byte[7]; // small on purpose: bodies arrive over many reads
        int n;
        while ((n = await response.ReadAsync(buffer, ct)) > 0) all.Write(buffer, 0, n);
        return Encoding.UTF8.GetString(all.ToArray());
    }

    private static async Task<(WebApplication App, int Port)> StartKestrel(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address).Port);
    }

    /// <summary>Serves keep-alive responses with the given body until the client closes.</summary>
    private static Func<RawConnection, int, Task> KeepAlive(string body) => async (c, _) =>
    {
        while (await c.ReadRequestAsync() is not null)
            await c.SendAsync($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}");
    };

    private sealed class ManualClock : TimeProvider
    {
        public long Now { get; set; }
        public override long GetTimestamp() => Now;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public void Advance(TimeSpan by) => Now += by.Ticks;
    }

    [Fact]
    public async Task Idle_connections_are_reused_most_recent_first_and_a_bursts_extras_age_out()
    {
        var clock = new ManualClock();
        using var client = new LeanHttpClient(new LeanClientOptions { TimeProvider = clock });
        var arrived = 0;
        var allThree = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, port) = await StartKestrel(async ctx =>
        {
            if (ctx.Request.Path == "/burst" && Interlocked.Increment(ref arrived) == 3) allThree.SetResult();
            if (ctx.Request.Path == "/burst") await allThree.Task; // three requests in flight at once: three connections
            await ctx.Response.WriteAsync(ctx.Connection.Id);
        });
        await using var _ = app;
        var pool = client.GetPool("127.0.0.1", port);
        async Task<string> Get(string path)
        {
            using var response = await client.SendAsync(pool, Request(port, path), CancellationToken.None);
            return await ReadAll(response);
        }

        var burst = await Task.WhenAll(Get("/burst"), Get("/burst"), Get("/burst"));
        Assert.Equal(3, burst.Distinct().Count());
        Assert.Equal(3, pool.IdleCount);

        // A minute later, a steady trickle: always the connection returned last (Go's idle list is LIFO).
        clock.Advance(TimeSpan.FromSeconds(60));
        var steady = new[] { await Get("/one"), await Get("/one"), await Get("/one") };
        Assert.Single(steady.Distinct());

        // Past the 90 s idle timeout for the burst's other two, not for the one in use: the sweep closes exactly two.
        clock.Advance(TimeSpan.FromSeconds(40));
        pool.Sweep();
        Assert.Equal(1, pool.IdleCount);
        Assert.Equal(steady[0], await Get("/one"));
    }

    [Fact]
    public async Task Max_idle_connections_bounds_the_idle_connections_of_all_hosts_together()
    {
        var budget = new IdleBudget(2);
        using var client = new LeanHttpClient(new LeanClientOptions { IdleBudget = budget });
        await using var a = new RawServer(KeepAlive("a"));
        await using var b = new RawServer(KeepAlive("b"));
        await using var c = new RawServer(KeepAlive("c"));
        async Task<string> Get(RawServer server)
        {
            using var response = await client.SendAsync(client.GetPool("127.0.0.1", server.Port), Request(server.Port), CancellationToken.None);
            return await ReadAll(response);
        }

        Assert.Equal("a", await Get(a));
        Assert.Equal("b", await Get(b));
        Assert.Equal(2, budget.Idle);
        // A third host's connection would be the third idle one: it is closed instead of kept.
        Assert.Equal("c", await Get(c));
        Assert.Equal(0, client.GetPool("127.0.0.1", c.Port).IdleCount);
        Assert.Equal(2, budget.Idle);
        Assert.Equal("c", await Get(c));
        Assert.Equal(2, c.Accepted);

        // Renting gives a place back, returning takes it again: the first host keeps reusing its one connection.
        Assert.Equal("a", await Get(a));
        Assert.Equal(1, a.Accepted);
        Assert.Equal(2, budget.Idle);
        client.Dispose();
        Assert.Equal(0, budget.Idle);
    }

    [Fact]
    public async Task KeepAlive_SecondRequest_ReusesTheConnection()
    {
        var (app, port) = await StartKestrel(ctx => ctx.Response.WriteAsync(ctx.Connection.Id));
        await using var _ = app;
        string first, second;
        using (var r = await Send(port)) first = await ReadAll(r);
        Assert.Equal(1, _client.GetPool("127.0.0.1", port).IdleCount);
        using (var r = await Send(port)) second = await ReadAll(r);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Request_Head_CarriesHostHeadersAndAcceptEncoding()
    {
        await using var server = new RawServer(KeepAlive("ok"));
        using (var r = await Send(server.Port, "/a?b=c")) Assert.Equal("ok", await ReadAll(r));
        var request = server.Requests.Single();
        Assert.StartsWith($"GET /a?b=c HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\n", request);
        Assert.Contains("\r\nX-Multi: a\r\nX-Multi: b\r\n", request);
        Assert.Contains("\r\nAccept-Encoding: gzip\r\n", request);
    }

    [Fact]
    public async Task ConnectionClose_FromServer_ConnectionIsNotReused()
    {
        await using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        });
        using (var r = await Send(server.Port)) Assert.Equal("ok", await ReadAll(r));
        using (var r = await Send(server.Port)) Assert.Equal("ok", await ReadAll(r));
        Assert.Equal(2, server.Accepted);
        Assert.Equal(0, _client.GetPool("127.0.0.1", server.Port).IdleCount);
    }

    [Fact]
    public async Task Chunked_SplitAcrossReads_IsReassembledAndConnectionReused()
    {
        await using var server = new RawServer(async (c, _) =>
        {
            while (await c.ReadRequestAsync() is not null)
            {
                // Every piece is a separate write, breaking sizes, data and CRLFs across reads.
                string[] pieces = ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "5", "\r\nhel", "lo\r", "\n6;ext=1\r\n wor", "ld\r\n", "0\r\n", "X-Trailer: t\r\n", "\r\n"];
                foreach (var piece in pieces)
                {
                    await c.SendAsync(piece);
                    await Task.Delay(2);
                }
            }
        });
        using (var r = await Send(server.Port))
        {
            Assert.Null(r.ContentLength);
            Assert.Equal("hello world", await ReadAll(r));
        }
        using (var r = await Send(server.Port)) Assert.Equal("hello world", await ReadAll(r));
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task ContentLength_Body_IsReadExactly()
    {
        var body = new string('x', 100_000);
        await using var server = new RawServer(KeepAlive(body));
        using var r = await Send(server.Port);
        Assert.Equal(100_000, r.ContentLength);
        Assert.Equal("text/plain", r.ContentType);
        Assert.Equal(body, await ReadAll(r));
    }

    [Fact]
    public async Task NoFraming_BodyIsReadUntilClose()
    {
        await using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 200 OK\r\n\r\nuntil the end");
        });
        using (var r = await Send(server.Port)) Assert.Equal("until the end", await ReadAll(r));
        Assert.Equal(0, _client.GetPool("127.0.0.1", server.Port).IdleCount);
    }

    [Fact]
    public async Task Gzip_Body_IsDecodedAndEncodingHeadersDropped()
    {
        var (app, port) = await StartKestrel(async ctx =>
        {
            var compressed = new MemoryStream();
            using (var gz = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(Encoding.UTF8.GetBytes("{\"zipped\":true}"));
            ctx.Response.Headers.ContentEncoding = ctx.Request.Headers.AcceptEncoding.ToString() == "gzip" ? "gzip" : "wrong";
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(compressed.ToArray()); // chunked: the gzip member ends before the framing does
        });
        await using var _ = app;
        for (var i = 0; i < 2; i++)
        {
            using var r = await Send(port);
            var headers = new HeaderDictionary();
            r.CopyHeadersTo(headers);
            Assert.False(headers.ContainsKey("Content-Encoding"));
            Assert.False(headers.ContainsKey("Transfer-Encoding"));
            Assert.Equal("application/json", headers["Content-Type"].ToString());
            Assert.Equal("{\"zipped\":true}", await ReadAll(r));
        }
        Assert.Equal(1, _client.GetPool("127.0.0.1", port).IdleCount);
    }

    [Fact]
    public async Task ServerClosesMidBody_ReadFailsWithUnexpectedEof()
    {
        await using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
        });
        using var r = await Send(server.Port);
        var ex = await Assert.ThrowsAsync<IOException>(() => ReadAll(r));
        Assert.Equal("unexpected EOF", ex.Message);
    }

    [Fact]
    public async Task StalePooledConnection_ClosedByServerWhileIdle_IsRetriedTransparently()
    {
        var firstClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawServer(async (c, index) =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + index);
            if (index == 0)
            {
                c.Dispose(); // keep-alive promised, then closed while the client holds it idle
                firstClosed.SetResult();
                return;
            }
            while (await c.ReadRequestAsync() is not null) await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + index);
        });
        using (var r = await Send(server.Port)) Assert.Equal("0", await ReadAll(r));
        await firstClosed.Task;
        using (var r = await Send(server.Port)) Assert.Equal("1", await ReadAll(r));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task Cancellation_MidResponse_AbortsAndNeverPoolsTheConnection()
    {
        await using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial");
            await c.ReadRequestAsync(); // holds the connection open until the client aborts it
        });
        using var cts = new CancellationTokenSource();
        var r = await Send(server.Port, ct: cts.Token);
        var buffer = new byte[100];
        Assert.Equal(7, await r.ReadAsync(buffer, cts.Token));
        var pending = r.ReadAsync(buffer, cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        r.Dispose();
        Assert.Equal(0, _client.GetPool("127.0.0.1", server.Port).IdleCount);
    }

    [Fact]
    public async Task ConnectionRefused_FailsWithGoStyleDialError()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => Send(port));
        Assert.Equal($"dial tcp 127.0.0.1:{port}: connect: connection refused", ex.Message);
    }

    [Fact]
    public async Task InterimResponses_1xx_AreSkipped()
    {
        await using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone");
        });
        using var r = await Send(server.Port);
        Assert.Equal(201, r.StatusCode);
        Assert.Equal("done", await ReadAll(r));
    }

    [Fact]
    public async Task Head_ResponseHasNoBodyDespiteContentLength_AndConnectionIsReused()
    {
        await using var server = new RawServer(async (c, _) =>
        {
            while (await c.ReadRequestAsync() is { } request)
            {
                await c.SendAsync(request.StartsWith("HEAD", StringComparison.Ordinal)
                    ? "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nget");
            }
        });
        using (var r = await Send(server.Port, method: "HEAD"))
        {
            Assert.Equal(1000, r.ContentLength);
            Assert.Equal("", await ReadAll(r));
        }
        using (var r = await Send(server.Port)) Assert.Equal("get", await ReadAll(r));
        Assert.Equal(1, server.Accepted);
    }

    [Theory]
    [InlineData("bytes", null, "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("bytes", 5L, "Content-Length: 5\r\n\r\nhello")]
    [InlineData("empty", null, "Content-Length: 0\r\n\r\n")]
    public async Task RequestBody_IsFramedAsTheCallerDecided(string kind, long? length, string expectedTail)
    {
        await using var server = new RawServer(KeepAlive("ok"));
        var request = Request(server.Port, method: "POST", body: kind == "empty" ? BackendBodyKind.Empty : BackendBodyKind.Bytes, bytes: "hello"u8.ToArray(), contentLength: length);
        using (var r = await _client.SendAsync(_client.GetPool("127.0.0.1", server.Port), request, default)) Assert.Equal("ok", await ReadAll(r));
        Assert.EndsWith("\r\n" + expectedTail, server.Requests.Single());
    }

    [Fact]
    public async Task StreamedBody_IsSentChunked()
    {
        await using var server = new RawServer(KeepAlive("ok"));
        var template = Request(server.Port, method: "PUT");
        var request = new BackendRequest
        {
            Method = "PUT", Url = template.Url, PathStart = template.PathStart, Authority = template.Authority,
            BodyKind = BackendBodyKind.Stream, BodyStream = new MemoryStream("streamed"u8.ToArray()),
        };
        using (var r = await _client.SendAsync(_client.GetPool("127.0.0.1", server.Port), request, default)) Assert.Equal("ok", await ReadAll(r));
        Assert.EndsWith("Transfer-Encoding: chunked\r\n\r\n8\r\nstreamed\r\n0\r\n\r\n", server.Requests.Single());
    }
}
