using System.Diagnostics;
using System.Net;
using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Backends.Http1;
using Cuttle.Testing;

namespace Cuttle.Gateway.Tests.Backends.Http1;

/// <summary>
/// expect_continue_timeout (Go's Transport.ExpectContinueTimeout) for a request whose Expect header asks for
/// 100-continue: the head goes first, the body after a 100 Continue or after the timeout; a final answer that closes
/// the connection before either keeps the body from being sent, one that keeps it open gets the body (Go's
/// readResponse). The backend is a raw socket that reads the head alone and watches what follows.
/// </summary>
public sealed class ExpectContinueTests
{
    private const string Body = "{\"payload\":true}";
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static BackendRequest Post(int port, bool expect = true, bool stream = false)
    {
        var authority = "127.0.0.1:" + port;
        var bytes = Encoding.ASCII.GetBytes(Body);
        return new BackendRequest
        {
            Method = "POST", Url = "http://" + authority + "/upload", PathStart = "http://".Length + authority.Length, Authority = authority,
            Headers = expect ? [new("Expect", "100-continue"), new("Content-Type", "application/json")] : [new("Content-Type", "application/json")],
            BodyKind = stream ? BackendBodyKind.Stream : BackendBodyKind.Bytes, BodyBytes = stream ? null : bytes,
            BodyStream = stream ? new MemoryStream(bytes) : null, ContentLength = bytes.Length,
        };
    }

    private static LeanHttpClient Client(TimeSpan timeout) => new(new LeanClientOptions { ExpectContinueTimeout = timeout });

    private static async Task<string> ReadAll(BackendResponse response)
    {
        var all = new MemoryStream();
        var buffer = new byte[64];
        int n;
        while ((n = await response.ReadAsync(buffer, CancellationToken.None)) > 0) all.Write(buffer, 0, n);
        return Encoding.UTF8.GetString(all.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_100_continue_lets_the_body_follow_the_head(bool stream)
    {
        var seen = new TaskCompletionSource<(string Head, string Early, string Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = new RawServer(async (c, _) =>
        {
            var head = await c.ReadHeadAsync();
            var early = await c.ReadBytesAsync(Body.Length, Quiet); // nothing may come before the 100
            await c.SendAsync("HTTP/1.1 100 Continue\r\n\r\n");
            var body = early + await c.ReadBytesAsync(Body.Length - early.Length, TimeSpan.FromSeconds(5));
            seen.TrySetResult((head!, early, body));
            await c.SendAsync("HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone");
        });
        using var client = Client(TimeSpan.FromSeconds(10));
        using var response = await client.SendAsync(client.GetPool("127.0.0.1", backend.Port), Post(backend.Port, stream: stream), CancellationToken.None);
        var (head, early, body) = await seen.Task;
        Assert.Contains("\r\nExpect: 100-continue\r\n", head, StringComparison.Ordinal);
        Assert.Equal("", early);
        Assert.Equal(Body, body);
        Assert.Equal(201, response.StatusCode);
        Assert.Equal("done", await ReadAll(response));
    }

    [Fact]
    public async Task A_silent_backend_gets_the_body_once_the_timeout_passes_and_without_the_header_at_once()
    {
        var arrived = new TaskCompletionSource<(string Body, TimeSpan After)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = new RawServer(async (c, _) =>
        {
            while (await c.ReadHeadAsync() is not null)
            {
                var clock = Stopwatch.StartNew();
                var body = await c.ReadBytesAsync(Body.Length, TimeSpan.FromSeconds(5));
                arrived.TrySetResult((body, clock.Elapsed));
                await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
        using var client = Client(TimeSpan.FromMilliseconds(400));
        var pool = client.GetPool("127.0.0.1", backend.Port);
        using (var response = await client.SendAsync(pool, Post(backend.Port), CancellationToken.None))
        {
            Assert.Equal(200, response.StatusCode);
            Assert.Equal("ok", await ReadAll(response));
        }
        var (body, after) = await arrived.Task;
        Assert.Equal(Body, body);
        Assert.InRange(after, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(3));

        // The same connection, no Expect header: the body goes with the head, the timeout does not apply.
        arrived = new TaskCompletionSource<(string Body, TimeSpan After)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var response = await client.SendAsync(pool, Post(backend.Port, expect: false), CancellationToken.None))
            Assert.Equal(200, response.StatusCode);
        (body, after) = await arrived.Task;
        Assert.Equal(Body, body);
        Assert.True(after < TimeSpan.FromMilliseconds(200), $"the body came after {after}");
        Assert.Equal(1, backend.Accepted);
    }

    [Fact]
    public async Task A_final_answer_that_closes_the_connection_is_relayed_and_the_body_never_sent()
    {
        var afterAnswer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = new RawServer(async (c, _) =>
        {
            await c.ReadHeadAsync();
            await c.SendAsync("HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nContent-Length: 4\r\n\r\nnope");
            afterAnswer.TrySetResult(await c.ReadBytesAsync(Body.Length, TimeSpan.FromSeconds(1)));
        });
        using var client = Client(TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        using (var response = await client.SendAsync(client.GetPool("127.0.0.1", backend.Port), Post(backend.Port), CancellationToken.None))
        {
            Assert.Equal(417, response.StatusCode);
            Assert.Equal("nope", await ReadAll(response));
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the answer did not wait for the timeout");
        Assert.Equal("", await afterAnswer.Task);
    }

    [Fact]
    public async Task A_final_answer_on_a_connection_kept_open_gets_the_body_after_it_as_go_sends_it()
    {
        var seen = new TaskCompletionSource<(string Early, string Late)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = new RawServer(async (c, _) =>
        {
            await c.ReadHeadAsync();
            var early = await c.ReadBytesAsync(Body.Length, Quiet);
            await c.SendAsync("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
            seen.TrySetResult((early, early + await c.ReadBytesAsync(Body.Length - early.Length, TimeSpan.FromSeconds(5))));
        });
        using var client = Client(TimeSpan.FromSeconds(10));
        using var response = await client.SendAsync(client.GetPool("127.0.0.1", backend.Port), Post(backend.Port), CancellationToken.None);
        Assert.Equal(401, response.StatusCode);
        var (early, late) = await seen.Task;
        Assert.Equal("", early);
        Assert.Equal(Body, late);
    }

    [Fact]
    public async Task Sockets_handler_waits_the_configured_timeout_not_its_own_second()
    {
        var arrived = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = new RawServer(async (c, _) =>
        {
            await c.ReadHeadAsync();
            var clock = Stopwatch.StartNew();
            await c.ReadBytesAsync(Body.Length, TimeSpan.FromSeconds(5));
            arrived.TrySetResult(clock.Elapsed);
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        });
        var config = new GatewayConfig { ExpectContinueTimeout = TimeSpan.FromMilliseconds(300) };
        using var invoker = new HttpMessageInvoker(BackendClient.CreateHandler(config, new BackendDialer(config.DialerTimeout, TimeSpan.Zero, TimeSpan.Zero)));
        using var message = new HttpRequestMessage(HttpMethod.Post, backend.Url + "/upload") { Content = new StringContent(Body) };
        message.Headers.TryAddWithoutValidation("Expect", "100-continue");
        using var response = await invoker.SendAsync(message, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(await arrived.Task, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(800));
    }
}
