using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Data;
using Cuttle.Go;
using Cuttle.Testing;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Tests.Backends;

/// <summary>
/// BackendCaller's URL gate: both transports refuse what Go's url.Parse refuses, before connecting, whatever built
/// the URL (url_pattern, a Lua script); accepted URLs go out in Go's escaped form.
/// </summary>
public sealed class BackendCallerUrlTests
{
    private static Cuttle.Config.Model.GatewayConfig Config(int port) => ConfigLoader.Parse(Encoding.UTF8.GetBytes($$"""
        { "version": 3, "endpoints": [ { "endpoint": "/a/{id}", "input_query_strings": ["q"], "backend": [
          { "host": ["http://127.0.0.1:{{port}}"], "url_pattern": "/b/{id}" },
          { "host": ["http://127.0.0.1:{{port}}"], "url_pattern": "/forced?" } ] } ] }
        """), "krakend.json").Config!;

    private static ProxyRequest Request(RequestScope scope, string id, params KeyValuePair<string, StringValues>[] query) =>
        new() { Method = "GET", Params = [id], Headers = [], Query = [.. query], Scope = scope };

    private static RawServer Backend() => new(async (c, _) =>
    {
        while (await c.ReadRequestAsync() is not null) await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });

    /// <summary>The lean client (BackendClient's transport) or SocketsHttpHandler (a transport without it).</summary>
    private static async Task WithCaller(int port, bool sockets, Func<BackendCaller, BackendCaller, Task> test)
    {
        var config = Config(port);
        var endpoint = config.Endpoints[0];
        var client = BackendClient.For(config, null);
        using var plain = new BackendTransport(new HttpMessageInvoker(new SocketsHttpHandler { AllowAutoRedirect = false }));
        try
        {
            var invoker = sockets ? plain : client.Transport;
            var caller = new BackendCaller(endpoint.Backend[0], endpoint, invoker);
            Assert.Equal(!sockets, caller.UsesLeanClient);
            await test(caller, new BackendCaller(endpoint.Backend[1], endpoint, invoker));
        }
        finally
        {
            client.Release();
        }
    }

    [Theory]
    [InlineData(false, "\r\nX-Injected: 1")]
    [InlineData(true, "\r\nX-Injected: 1")]
    [InlineData(false, "x HTTP/1.1\r\nHost: a\r\n\r\nGET /admin")]
    [InlineData(true, "x HTTP/1.1\r\nHost: a\r\n\r\nGET /admin")]
    [InlineData(true, "a\tb")]
    [InlineData(true, "a\u007fb")]
    public async Task A_url_go_refuses_fails_before_any_connection_on_both_transports(bool sockets, string id)
    {
        await using var server = Backend();
        await WithCaller(server.Port, sockets, async (caller, _) =>
        {
            using var scope = new RequestScope();
            var request = Request(scope, id);
            var ex = await Assert.ThrowsAsync<GoUrlException>(async () => await caller.SendAsync(request, caller.BuildUrl(request), CancellationToken.None));
            Assert.StartsWith("parse \"http://127.0.0.1:", ex.Message);
            Assert.EndsWith(": net/url: invalid control character in URL", ex.Message);
        });
        Assert.Equal(0, server.Accepted);
    }

    [Fact]
    public async Task A_url_set_by_a_script_goes_through_the_same_gate()
    {
        await using var server = Backend();
        await WithCaller(server.Port, sockets: false, async (caller, _) =>
        {
            using var scope = new RequestScope();
            var request = Request(scope, "1");
            var url = $"http://127.0.0.1:{server.Port}/set/by/lua\r\nX-Injected: 1";
            await Assert.ThrowsAsync<GoUrlException>(async () => await caller.SendAsync(request, url, CancellationToken.None));
            using var response = await caller.SendAsync(request, $"http://127.0.0.1:{server.Port}/set by/lua", CancellationToken.None);
            Assert.Equal(200, response.StatusCode);
        });
        Assert.StartsWith("GET /set%20by/lua HTTP/1.1\r\n", Assert.Single(server.Requests), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_accepted_url_goes_out_escaped_as_go_would_send_it(bool sockets)
    {
        await using var server = Backend();
        await WithCaller(server.Port, sockets, async (caller, _) =>
        {
            using var scope = new RequestScope();
            var request = Request(scope, "it's (x)");
            var url = caller.BuildUrl(request);
            Assert.Equal($"http://127.0.0.1:{server.Port}/b/it%27s%20%28x%29", url);
            using var response = await caller.SendAsync(request, url, CancellationToken.None);
            Assert.Equal(200, response.StatusCode);
        });
        Assert.StartsWith("GET /b/it%27s%20%28x%29 HTTP/1.1\r\n", Assert.Single(server.Requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_forwarded_query_follows_a_bare_question_mark_without_a_separator_as_in_lura()
    {
        await using var server = Backend();
        await WithCaller(server.Port, sockets: false, (_, forced) =>
        {
            using var scope = new RequestScope();
            // Go: url.Parse("…/forced?") has ForceQuery and an empty RawQuery; lura sets RawQuery to the encoded query.
            Assert.Equal($"http://127.0.0.1:{server.Port}/forced?q=a+b", forced.BuildUrl(Request(scope, "1", new KeyValuePair<string, StringValues>("q", "a b"))));
            Assert.Equal($"http://127.0.0.1:{server.Port}/forced?", forced.BuildUrl(Request(scope, "1")));
            return Task.CompletedTask;
        });
    }
}
