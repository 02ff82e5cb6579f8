using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>qos/circuit-breaker through the real host, a real Kestrel backend and the system clock.</summary>
public sealed class CircuitBreakerTests
{
    [Fact]
    public async Task An_open_breaker_answers_500_without_reaching_the_backend_until_its_timeout()
    {
        var healthy = 0;
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            ctx.Response.StatusCode = Volatile.Read(ref healthy) == 1 ? 200 : 503;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"ok":true}""");
        });
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [ { "endpoint": "/cb", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/",
              "extra_config": { "qos/circuit-breaker": { "interval": 60, "timeout": 1, "max_errors": 1, "name": "cb-1", "log_status_change": true } } } ] } ] }
            """);

        // max_errors 1: the second consecutive failure opens the breaker.
        Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.GetAsync("/cb")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.GetAsync("/cb")).StatusCode);
        Assert.Equal(2, backend.Requests.Count);

        Volatile.Write(ref healthy, 1);
        var open = await gw.Client.GetAsync("/cb");
        Assert.Equal(HttpStatusCode.InternalServerError, open.StatusCode);
        Assert.Equal("false", MergingTests.Header(open, "X-Krakend-Completed"));
        Assert.Equal(2, backend.Requests.Count);

        // After the timeout (whole seconds, strictly after) one trial reaches the backend, and its success closes the breaker.
        await Task.Delay(TimeSpan.FromMilliseconds(1200));
        var trial = await gw.Client.GetAsync("/cb");
        Assert.Equal(HttpStatusCode.OK, trial.StatusCode);
        Assert.Equal("""{"ok":true}""", await trial.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/cb")).StatusCode);
        Assert.Equal(4, backend.Requests.Count);
    }
}
