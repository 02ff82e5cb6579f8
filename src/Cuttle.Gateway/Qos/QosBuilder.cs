using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends.Caching;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Proxy;
using Cuttle.Gateway.Qos.Redis;

namespace Cuttle.Gateway.Qos;

/// <summary>
/// Build-time wiring of the qos namespaces: qos/ratelimit/router at the router level, qos/circuit-breaker,
/// qos/ratelimit/proxy and qos/http-cache at the backend level. The breaker's and the limits' state comes from
/// <see cref="BuildContext.State"/>, so a bucket, client store, breaker or http-cache store whose endpoint or backend
/// and settings are unchanged carries over a reload.
/// </summary>
internal static class QosBuilder
{
    /// <summary>The extra_config namespaces this feature implements.</summary>
    public static readonly ImmutableArray<string> Namespaces = ["qos/circuit-breaker", "qos/ratelimit/router", "qos/ratelimit/proxy", "qos/http-cache"];

    /// <summary>
    /// The endpoint's rate limit, innermost of the router-level chain (CE handler_factory, outer → inner: bot-detector
    /// → JOSE → lua-endpoint → ratelimit → endpoint handler), around either endpoint handler, no-op included.
    /// </summary>
    public static IEndpointHandler WrapEndpoint(IEndpointHandler handler, EndpointConfig endpoint, BuildContext context)
    {
        handler = WrapShared(handler, endpoint, context);
        if (endpoint.RateLimit is not { } options) return handler;
        var identity = endpoint.Method + " " + endpoint.Endpoint;
        IRateLimiter? shared = null;
        if (options.MaxRate > 0)
        {
            var settings = new TokenBucket.Settings(options.MaxRate, options.Capacity);
            shared = context.State.GetOrCreate("ratelimit/router", identity, settings,
                () => new TokenBucket(settings.Rate, settings.Capacity, context.Time));
        }
        IClientRateLimiter? clients = null;
        ClientKey? key = null;
        if (options.Strategy != RateLimitStrategy.None)
        {
            var settings = new ClientLimiterStore.Settings(options.ClientMaxRate, options.ClientCapacity, options.ClientTtl, options.NumShards,
                options.CleanupPeriod);
            clients = context.State.GetOrCreate("ratelimit/router/client", identity, settings, () => new ClientLimiterStore(settings, context.Time));
            key = ClientKey.For(options, endpoint, GinClientIp.For(context.Config.Router));
        }
        return new RateLimitEndpointHandler(handler, shared, clients, key, options.Headers);
    }

    /// <summary>
    /// The endpoint's qos/ratelimit/router/redis at the same place, inside the local limit when both are set: each
    /// namespace is its own limit and a request must pass both, the local one first, so what it refuses costs no
    /// Redis call (Enterprise documents the two as alternatives and says nothing of combining them).
    /// </summary>
    private static IEndpointHandler WrapShared(IEndpointHandler handler, EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.RedisRateLimit is not { } options || context.Redis is not { } connections) return handler;
        var limit = RedisRateLimitBuilder.Create(endpoint, connections, context)!;
        return new SharedRateLimitEndpointHandler(handler, limit, limit.PerClient ? ClientKey.For(options, endpoint, GinClientIp.For(context.Config.Router)) : null, options.Headers);
    }

    /// <summary>
    /// The backend's circuit breaker and rate limit, outermost of its backend pipe (CE backend_factory, outer → inner:
    /// circuit-breaker → ratelimit/proxy → lua-backend → CEL → HTTP), so a rate-limit, Lua or CEL rejection counts as
    /// a breaker failure. <paramref name="index"/> is the backend's place in the endpoint, part of its identity.
    /// </summary>
    public static IProxy WrapBackend(IProxy proxy, BackendConfig backend, EndpointConfig endpoint, int index, BuildContext context)
    {
        if (backend.RateLimit is null && backend.CircuitBreaker is null) return proxy;
        var identity = BackendIdentity(backend, endpoint, index);
        if (backend.RateLimit is { } limit)
        {
            var settings = new TokenBucket.Settings(limit.MaxRate, limit.Capacity);
            proxy = new RateLimitProxy(proxy, context.State.GetOrCreate("ratelimit/proxy", identity, settings,
                () => new TokenBucket(settings.Rate, settings.Capacity, context.Time)));
        }
        if (backend.CircuitBreaker is { } options)
        {
            // The position in the file is no setting: moving the block must not reset an open breaker.
            var settings = options with { Location = SourceLocation.None };
            proxy = new CircuitBreakerProxy(proxy, context.State.GetOrCreate("circuit-breaker", identity, settings,
                () => new CircuitBreaker(options, backend.UrlPattern, context.Time, context.Logger)));
        }
        return proxy;
    }

    /// <summary>
    /// The backend's qos/http-cache, or null: it goes into the backend's caller, just above the transport (CE's
    /// request executor: plugin/http-client → opencensus → otel → http-cache → oauth2 → transport), below Lua and CEL,
    /// so a cached answer still runs through them. <see cref="HttpCacheStores"/> picks the store's slot and bounds; the
    /// store itself comes from the generation's state, so a reload that keeps both keeps the cached responses.
    /// </summary>
    public static HttpCache? HttpCacheFor(BackendConfig backend, EndpointConfig endpoint, int index, BuildContext context)
    {
        if (backend.HttpCache is not { } options) return null;
        var (slot, bounds) = context.HttpCaches.For(options, BackendIdentity(backend, endpoint, index));
        var store = context.State.GetOrCreate("http-cache", slot, bounds, () => new HttpCacheStore(bounds.MaxItems, bounds.MaxSize));
        return new HttpCache(store, options.Shared, context.Time);
    }

    /// <summary>A backend's identity across reloads: its endpoint, its place there, its hosts and URL pattern.</summary>
    private static string BackendIdentity(BackendConfig backend, EndpointConfig endpoint, int index) =>
        $"{endpoint.Method} {endpoint.Endpoint} #{index} {string.Join(",", backend.Host)}{backend.UrlPattern}";
}
