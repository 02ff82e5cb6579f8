using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Cuttle.Hosting.Sockets;
using Cuttle.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cuttle.Tests.Hosting.Sockets;

/// <summary>
/// The gateway's socket transport under Kestrel's HTTP/1.1 layer, with real sockets: what Kestrel's own transport
/// guarantees (keep-alive, pipelining, backpressure both ways, aborts, hang-ups, shutdown) must still hold.
/// </summary>
public sealed class GatewaySocketTransportTests
{
    private sealed class Server : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private Server(WebApplication app, int port) { _app = app; Port = port; }
        public int Port { get; }
        public HttpClient Client() => new(new SocketsHttpHandler()) { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };

        public static async Task<Server> StartAsync(RequestDelegate handler)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IConnectionListenerFactory, GatewaySocketTransport>();
            builder.WebHost.ConfigureKestrel(k => { k.Listen(IPAddress.Loopback, 0); k.Limits.MaxRequestBodySize = null; });
            var app = builder.Build();
            app.Run(handler);
            await app.StartAsync();
            var url = app.Urls.First();
            return new Server(app, int.Parse(url[(url.LastIndexOf(':') + 1)..].TrimEnd('/')));
        }

        public Task StopAsync() => _app.StopAsync();

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_are_served_by_this_transport_with_the_client_address()
    {
        await using var server = await Server.StartAsync(ctx => ctx.Response.WriteAsync(
            ctx.Features.Get<IConnectionIdFeature>()!.GetType().Name + " " + ctx.Connection.RemoteIpAddress + " " + (ctx.Connection.LocalPort > 0)));
        using var client = server.Client();

        Assert.Equal("GatewaySocketConnection 127.0.0.1 True", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Pipelined_requests_on_one_connection_are_answered_in_order()
    {
        await using var server = await Server.StartAsync(ctx => ctx.Response.WriteAsync("path=" + ctx.Request.Path));
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = socket.GetStream();

        // Three requests in one write: Kestrel must find all three in what one receive delivered.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        var text = await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var a = text.IndexOf("path=/a", StringComparison.Ordinal);
        var b = text.IndexOf("path=/b", StringComparison.Ordinal);
        var c = text.IndexOf("path=/c", StringComparison.Ordinal);
        Assert.True(a > 0 && b > a && c > b, text);
        Assert.Equal(3, text.Split("HTTP/1.1 200 OK").Length - 1);
    }

    [Fact]
    public async Task A_large_upload_and_a_large_response_pass_intact_through_backpressure()
    {
        // 5 MB each way: more than the 1 MB read and 64 KB write pause thresholds, over many pool blocks.
        var payload = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        await using var server = await Server.StartAsync(async ctx =>
        {
            var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body);
            var received = body.ToArray();
            ctx.Response.Headers["X-Upload-Sha"] = Convert.ToHexString(SHA256.HashData(received));
            // Twice the upload, in uneven writes, so sends span segments of several sizes.
            for (var offset = 0; offset < received.Length; offset += 70_001)
                await ctx.Response.Body.WriteAsync(received.AsMemory(offset, Math.Min(70_001, received.Length - offset)));
            await ctx.Response.Body.WriteAsync(received);
        });
        using var client = server.Client();

        using var response = await client.PostAsync("/", new ByteArrayContent(payload));
        var echoed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(Convert.ToHexString(SHA256.HashData(payload)), response.Headers.GetValues("X-Upload-Sha").Single());
        Assert.Equal(payload.Length * 2, echoed.Length);
        Assert.True(payload.AsSpan().SequenceEqual(echoed.AsSpan(0, payload.Length)));
        Assert.True(payload.AsSpan().SequenceEqual(echoed.AsSpan(payload.Length)));
    }

    [Fact]
    public async Task A_client_that_hangs_up_aborts_the_request_in_flight()
    {
        var hangUp = new HangUp();
        await using var server = await Server.StartAsync(hangUp.HandleAsync);

        await hangUp.SendAndLeaveAsync(server.Port, "/slow");

        // Without the transport's connection-closed signal the handler would sleep its full 60 s.
        await hangUp.Aborted.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_aborted_connection_is_closed_and_the_next_one_is_served()
    {
        await using var server = await Server.StartAsync(async ctx =>
        {
            if (ctx.Request.Path == "/abort")
            {
                await ctx.Response.WriteAsync("partial");
                await ctx.Response.Body.FlushAsync();
                ctx.Abort();
                return;
            }
            await ctx.Response.WriteAsync("fine");
        });
        using var client = server.Client();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetStringAsync("/abort"));
        Assert.Equal("fine", await client.GetStringAsync("/next"));
    }

    [Fact]
    public async Task An_abort_while_a_send_waits_on_a_client_that_does_not_read_closes_the_socket_at_once()
    {
        var closedAfter = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await Server.StartAsync(async ctx =>
        {
            var socket = ctx.Features.Get<IConnectionSocketFeature>()!.Socket;
            // More than the socket buffers hold: the send loop ends up waiting on the client, which reads nothing.
            var writing = ctx.Response.Body.WriteAsync(new byte[32 * 1024 * 1024]).AsTask();
            await Task.WhenAny(writing, Task.Delay(500));
            var clock = Stopwatch.StartNew();
            ctx.Abort(); // what write_timeout does to a response written too slowly
            while (!socket.SafeHandle.IsClosed && clock.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(10);
            closedAfter.TrySetResult(clock.Elapsed);
            try { await writing; } catch (Exception e) when (e is IOException or OperationCanceledException or ConnectionAbortedException) { }
        });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), SocketFlags.None);

        var elapsed = await closedAfter.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(elapsed < TimeSpan.FromMilliseconds(300), $"socket closed {elapsed.TotalMilliseconds:0} ms after the abort");
    }

    [Fact]
    public async Task Stopping_completes_with_idle_keep_alive_connections_open()
    {
        var server = await Server.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        using var client = server.Client();
        Assert.Equal("ok", await client.GetStringAsync("/")); // leaves a keep-alive connection open

        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await server.DisposeAsync();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Binding_a_port_in_use_fails_with_kestrels_address_in_use_error()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var transport = new GatewaySocketTransport(new ServiceCollection().BuildServiceProvider(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        await Assert.ThrowsAsync<AddressInUseException>(async () => await transport.BindAsync(taken.LocalEndpoint));
    }
}
