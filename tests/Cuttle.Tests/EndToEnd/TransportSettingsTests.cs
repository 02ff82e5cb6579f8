using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// Service transport settings KrakenD hands Go's http.Server and http.Transport, and backend/http/client's
/// send_body_on_redirect (lura proxy/http.go), over real sockets.
/// </summary>
public sealed class TransportSettingsTests
{
    [Fact]
    public async Task Response_header_timeout_fails_a_backend_slow_to_answer_its_head()
    {
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            if (ctx.Request.Path == "/slow") await Task.Delay(6000);
            await ctx.Response.WriteAsync("""{"ok":true}""");
        });
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "response_header_timeout": "300ms", "endpoints": [
              { "endpoint": "/slow", "timeout": "10s", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/slow" } ] },
              { "endpoint": "/fast", "timeout": "5s", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/fast" } ] } ] }
            """);

        using var fast = await gw.Client.GetAsync("/fast");
        Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
        var clock = Stopwatch.StartNew();
        using var slow = await gw.Client.GetAsync("/slow");
        Assert.Equal(HttpStatusCode.InternalServerError, slow.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Read_timeout_bounds_a_request_head_that_never_ends()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "read_timeout": "1s", "endpoints": [ { "endpoint": "/x", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] } ] }
            """);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, gw.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /x HTTP/1.1\r\nHost: a\r\n"));
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var clock = Stopwatch.StartNew();
        // Kestrel answers 408 and closes (Go closes): either way the connection ends well before the 30 s default.
        while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0) { }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Send_body_on_redirect_follows_a_307_with_the_body()
    {
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            if (ctx.Request.Path == "/old")
            {
                ctx.Response.StatusCode = 307;
                ctx.Response.Headers.Location = "/new";
                return;
            }
            using var reader = new StreamReader(ctx.Request.Body);
            await ctx.Response.WriteAsync($$"""{"method":"{{ctx.Request.Method}}"}""");
        });
        string Config(string extra) => $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/e", "method": "POST", "backend": [
              { "host": ["{{backend.Url}}"], "url_pattern": "/old", "method": "POST" {{extra}} } ] } ] }
            """;

        await using var gw = await GatewayHarness.StartAsync(Config(""", "extra_config": { "backend/http/client": { "send_body_on_redirect": true } }"""));
        using var followed = await gw.Client.PostAsync("/e", new StringContent("""{"x":1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        Assert.Equal("""{"method":"POST"}""", await followed.Content.ReadAsStringAsync());
        var seen = backend.Requests.ToArray();
        Assert.Equal(["/old", "/new"], seen.Select(s => s.PathAndQuery));
        Assert.Equal("""{"x":1}""", seen[1].Body);

        // Without it, Go cannot replay a streamed body: the 307 comes back, which is no success for KrakenD.
        await using var plain = await GatewayHarness.StartAsync(Config(""));
        using var refused = await plain.Client.PostAsync("/e", new StringContent("""{"x":1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
    }
}
