using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends.Caching;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Qos;

/// <summary>Build-time wiring of the qos namespaces: qos/circuit-breaker and qos/http-cache at the backend level.</summary>
internal static class QosBuilder
{
    /// <summary>The extra_config namespaces this feature implements.</summary>
    public static readonly ImmutableArray<string> Namespaces = ["qos/circuit-breaker", "qos/http-cache"];

    /// <summary>
    /// The backend's circuit breaker, outermost of its backend pipe (CE backend_factory, outer → inner:
    /// circuit-breaker → ratelimit/proxy → lua-backend → CEL → HTTP), so a Lua or CEL rejection counts as a failure.
    /// One breaker per backend of this generation; it starts closed on every reload.
    /// </summary>
    public static IProxy WrapBackend(IProxy proxy, BackendConfig backend, BuildContext context)
    {
        if (backend.CircuitBreaker is not { } options) return proxy;
        return new CircuitBreakerProxy(proxy, new CircuitBreaker(options, backend.UrlPattern, context.Time, context.Logger));
    }

    /// <summary>
    /// The backend's qos/http-cache, or null: it goes into the backend's caller, just above the transport (CE's
    /// request executor: plugin/http-client → opencensus → otel → http-cache → oauth2 → transport), below Lua and CEL,
    /// so a cached answer still runs through them. Its store comes from the generation's <see cref="HttpCacheStores"/>.
    /// </summary>
    public static HttpCache? HttpCacheFor(BackendConfig backend, BuildContext context) =>
        backend.HttpCache is { } options ? new HttpCache(context.HttpCaches.For(options), options.Shared, context.Time) : null;
}
