using System.Net;
using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Qos;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Qos;

/// <summary>The router-level handler on its own: the hot path allocates nothing once a client is known.</summary>
public sealed class RateLimitEndpointHandlerTests
{
    private sealed class Inner : IEndpointHandler
    {
        public Task HandleAsync(HttpContext context, string[] parameters) => Task.CompletedTask;
    }

    private sealed class ConnectionItems : IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    }

    [Theory]
    [InlineData(RateLimitStrategy.Ip, "")]
    [InlineData(RateLimitStrategy.Header, "X-Client")]
    public void AnAllowedRequest_OfAKnownClient_AllocatesNothing(RateLimitStrategy strategy, string key)
    {
        var time = new FakeTimeProvider();
        var options = new RateLimitRouterOptions { MaxRate = 1e9, Capacity = 1_000_000, ClientMaxRate = 1e9, ClientCapacity = 1_000_000, Strategy = strategy, Key = key };
        var store = new ClientLimiterStore(new ClientLimiterStore.Settings(1e9, 1_000_000, TimeSpan.FromMinutes(10), 16, TimeSpan.FromMinutes(1)), time);
        var handler = new RateLimitEndpointHandler(new Inner(), new TokenBucket(1e9, 1_000_000, time), store,
            ClientKey.For(options, new EndpointConfig { Endpoint = "/e" }), headers: false);
        var context = new DefaultHttpContext();
        context.Features.Set<IConnectionItemsFeature>(new ConnectionItems());
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        context.Request.Headers["X-Client"] = "alice";
        string[] parameters = [];
        handler.HandleAsync(context, parameters);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) handler.HandleAsync(context, parameters);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(0, allocated);
    }
}
