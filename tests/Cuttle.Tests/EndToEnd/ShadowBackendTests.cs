using System.Diagnostics;
using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// backend extra_config.proxy.shadow (lura proxy/shadow.go): the shadow backend gets the same request, its answer is
/// discarded, the client never waits for it, and it is no part of the merge.
/// </summary>
public sealed class ShadowBackendTests
{
    [Fact]
    public async Task A_shadow_backend_gets_the_request_but_neither_its_data_nor_its_delay_reach_the_client()
    {
        await using var regular = await FakeBackend.JsonAsync("""{"a":1}""");
        // The shadow answers only once the client has its response: a gateway that waited for it would not answer in time.
        var clientAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var shadow = await FakeBackend.StartAsync(async ctx =>
        {
            await clientAnswered.Task.WaitAsync(TimeSpan.FromSeconds(10));
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"b":2}""");
        });
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [ { "endpoint": "/e", "method": "POST", "timeout": "3s", "backend": [
              { "host": ["{{regular.Url}}"], "url_pattern": "/r", "method": "POST" },
              { "host": ["{{shadow.Url}}"], "url_pattern": "/s", "method": "POST", "extra_config": { "proxy": { "shadow": true } } }
            ] } ] }
            """);

        using var response = await gw.Client.PostAsync("/e", new StringContent("""{"x":1}""", System.Text.Encoding.UTF8, "application/json"));
        clientAnswered.SetResult();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"a":1}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("true", MergingTests.Header(response, "X-Krakend-Completed"));

        // The shadow got the same request, body included.
        var deadline = Stopwatch.StartNew();
        FakeBackend.Seen? seen = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(5) && !shadow.Requests.TryPeek(out seen)) await Task.Delay(20);
        Assert.NotNull(seen);
        Assert.Equal("POST", seen.Method);
        Assert.Equal("/s", seen.PathAndQuery);
        Assert.Equal("""{"x":1}""", seen.Body);
        Assert.True(regular.Requests.TryPeek(out var first));
        Assert.Equal("""{"x":1}""", first.Body);
    }

    [Fact]
    public async Task A_failing_shadow_backend_leaves_the_response_complete()
    {
        await using var regular = await FakeBackend.JsonAsync("""{"a":1}""");
        await using var shadow = await FakeBackend.JsonAsync("{}", status: 500);
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [ { "endpoint": "/e", "backend": [
              { "host": ["{{regular.Url}}"], "url_pattern": "/r" },
              { "host": ["{{shadow.Url}}"], "url_pattern": "/s", "extra_config": { "proxy": { "shadow": true, "shadow_timeout": "1s" } } }
            ] } ] }
            """);

        using var response = await gw.Client.GetAsync("/e");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"a":1}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("true", MergingTests.Header(response, "X-Krakend-Completed"));
    }
}
