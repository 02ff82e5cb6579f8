using System.Net;
using Cuttle.Testing;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// A client's Expect: 100-continue through the real gateway: KrakenD forwards the Expect header only when
/// input_headers lists it (lura copies just those), and then expect_continue_timeout holds the body back until the
/// backend says 100 Continue.
/// </summary>
public sealed class ExpectContinueTests
{
    private const string Body = "{\"payload\":true}";

    private static async Task<(string Head, string Early, string Body, HttpStatusCode Status)> PostThroughGateway(string inputHeaders)
    {
        var seen = new TaskCompletionSource<(string Head, string Early, string Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = new RawServer(async (c, _) =>
        {
            var head = await c.ReadHeadAsync();
            var early = await c.ReadBytesAsync(Body.Length, TimeSpan.FromMilliseconds(300));
            if (head!.Contains("\r\nExpect: 100-continue\r\n", StringComparison.OrdinalIgnoreCase)) await c.SendAsync("HTTP/1.1 100 Continue\r\n\r\n");
            var body = early + await c.ReadBytesAsync(Body.Length - early.Length, TimeSpan.FromSeconds(5));
            seen.TrySetResult((head, early, body));
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}");
        });
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "expect_continue_timeout": "10s", "endpoints": [
              { "endpoint": "/up", "method": "POST", "timeout": "15s", "input_headers": [{{inputHeaders}}],
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/up" } ] } ] }
            """);
        using var message = new HttpRequestMessage(HttpMethod.Post, "/up") { Content = new StringContent(Body) };
        message.Headers.ExpectContinue = true;
        using var response = await gw.Client.SendAsync(message);
        var (head, early, body) = await seen.Task;
        return (head, early, body, response.StatusCode);
    }

    [Fact]
    public async Task Listed_in_input_headers_the_expectation_reaches_the_backend_and_the_body_waits_for_its_100_else_it_goes_at_once()
    {
        var (head, early, body, status) = await PostThroughGateway("\"Expect\", \"Content-Type\", \"Content-Length\"");
        Assert.Contains("\r\nExpect: 100-continue\r\n", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", early);
        Assert.Equal(Body, body);
        Assert.Equal(HttpStatusCode.OK, status);

        (head, early, _, status) = await PostThroughGateway("\"Content-Type\", \"Content-Length\"");
        Assert.DoesNotContain("Expect:", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Body, early);
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
