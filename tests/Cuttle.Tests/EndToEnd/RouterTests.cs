using System.Net;
using System.Net.Sockets;
using System.Text;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>gin router semantics, built-in endpoints, no-op pass-through, and clients that misbehave.</summary>
public sealed class RouterTests
{
    private static string Config(string endpoints, string extra = "") => $$"""{ "version": 3 {{extra}}, "endpoints": [ {{endpoints}} ] }""";

    [Fact]
    public async Task Unknown_paths_and_methods_get_krakends_plain_text_answers()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/only-get", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }"""));

        var notFound = await gw.Client.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("404 page not found", await notFound.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", notFound.Content.Headers.ContentType?.ToString());

        var notAllowed = await gw.Client.PostAsync("/only-get", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, notAllowed.StatusCode);
        Assert.Equal("405 method not allowed", await notAllowed.Content.ReadAsStringAsync());
        Assert.Equal("false", MergingTests.Header(notAllowed, "X-Krakend-Completed"));
    }

    [Fact]
    public async Task Trailing_slash_and_case_mismatches_redirect_like_gin()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/static", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] },
            { "endpoint": "/write", "method": "PUT", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }
            """));

        var slash = await gw.Client.GetAsync("/static/?q=1");
        Assert.Equal(HttpStatusCode.MovedPermanently, slash.StatusCode);
        Assert.Equal("/static?q=1", slash.Headers.Location?.ToString());

        var casing = await gw.Client.GetAsync("/StAtic");
        Assert.Equal(HttpStatusCode.MovedPermanently, casing.StatusCode);
        Assert.Equal("/static", casing.Headers.Location?.ToString());

        var put = await gw.Client.PutAsync("/write/", null);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, put.StatusCode);
    }

    [Fact]
    public async Task Routes_with_params_and_literals_coexist()
    {
        await using var backend = await FakeBackend.StartAsync(ctx => ctx.Response.WriteAsync($$"""{"p":"{{ctx.Request.Path}}"}"""));
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/users/{id}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/id/{id}" } ] },
            { "endpoint": "/users/me", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/me" } ] },
            { "endpoint": "/users/{id}/posts/{post}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/p/{post}/{id}" } ] }
            """));

        Assert.Equal("""{"p":"/me"}""", await gw.Client.GetStringAsync("/users/me"));
        Assert.Equal("""{"p":"/id/7"}""", await gw.Client.GetStringAsync("/users/7"));
        Assert.Equal("""{"p":"/p/9/7"}""", await gw.Client.GetStringAsync("/users/7/posts/9"));
    }

    [Fact]
    public async Task Health_debug_and_echo_endpoints_answer_as_krakend()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/x", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }""",
            extra: """, "echo_endpoint": true"""), debug: true);

        var health = await gw.Client.GetAsync("/__health");
        var body = await health.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.StartsWith("""{"agents":{},"cuttle":{""", body);
        Assert.Contains("\"status\":\"ok\"", body);
        Assert.Contains("\"generation\":1", body);

        Assert.Equal("""{"message":"pong"}""", await gw.Client.GetStringAsync("/__debug/anything?x=1"));
        var echo = await gw.Client.GetStringAsync("/__echo/a?b=1");
        Assert.Contains("\"req_uri\":\"/__echo/a?b=1\"", echo);
        Assert.Contains("\"req_querystring\":{\"b\":[\"1\"]}", echo);
    }

    [Fact]
    public async Task Debug_endpoint_is_off_without_debug()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/x", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }"""));

        Assert.Equal(HttpStatusCode.NotFound, (await gw.Client.GetAsync("/__debug/")).StatusCode);
    }

    [Fact]
    public async Task No_op_passes_status_headers_and_body_through_untouched()
    {
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            ctx.Response.StatusCode = 418;
            ctx.Response.Headers["X-Custom"] = "kept";
            ctx.Response.Headers.Append("Set-Cookie", "a=1");
            ctx.Response.Headers.Append("Set-Cookie", "b=2");
            ctx.Response.ContentType = "text/weird";
            await ctx.Response.WriteAsync("raw {not json}\n");
        });
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/noop", "method": "POST", "output_encoding": "no-op", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }
            """));

        var response = await gw.Client.PostAsync("/noop", new StringContent("payload"));

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("raw {not json}\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("kept", MergingTests.Header(response, "X-Custom"));
        Assert.Equal(["a=1", "b=2"], response.Headers.GetValues("Set-Cookie"));
        Assert.Equal("text/weird", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("false", MergingTests.Header(response, "X-Krakend-Completed"));
        Assert.Equal("payload", backend.Requests.Single().Body);
    }

    [Fact]
    public async Task No_op_streams_large_bodies()
    {
        var chunk = new string('x', 64 * 1024);
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            for (var i = 0; i < 64; i++) await ctx.Response.WriteAsync(chunk); // 4 MiB
        });
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/big", "output_encoding": "no-op", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }
            """));

        var bytes = await gw.Client.GetByteArrayAsync("/big");

        Assert.Equal(64 * 64 * 1024, bytes.Length);
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_body_does_not_hurt_the_gateway()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":1}""");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/up", "method": "POST", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] },
            { "endpoint": "/ok", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }
            """));

        for (var i = 0; i < 5; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, gw.Port);
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nContent-Type: application/json\r\n\r\n{\"partial\":"));
            socket.Close(); // gone before the body is complete
        }

        Assert.Equal("""{"ok":1}""", await gw.Client.GetStringAsync("/ok"));
        Assert.Equal(0, gw.Server.Current.InFlight > 0 ? await WaitForIdle(gw) : 0);
    }

    [Theory]
    [InlineData("no-op", false)]
    [InlineData("json", false)]
    [InlineData("no-op", true)]
    [InlineData("json", true)]
    public async Task A_client_that_hangs_up_cancels_the_backend_call_in_flight(string encoding, bool kestrelSocketTransport)
    {
        // As Go's request context: the client leaving cancels what the gateway was waiting for, long before the timeout.
        var hangUp = new HangUp();
        await using var backend = await FakeBackend.StartAsync(hangUp.HandleAsync);
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/slow", "timeout": "50s", "output_encoding": "{{encoding}}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }
            """), kestrelSocketTransport: kestrelSocketTransport);

        await hangUp.SendAndLeaveAsync(gw.Port, "/slow");

        await hangUp.Aborted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await WaitForIdle(gw));
    }

    private static async Task<int> WaitForIdle(GatewayHarness gw)
    {
        for (var i = 0; i < 100 && gw.Server.Current.InFlight > 0; i++) await Task.Delay(50);
        return gw.Server.Current.InFlight;
    }
}
