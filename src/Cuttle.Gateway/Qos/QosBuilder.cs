using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Qos;

/// <summary>Build-time wiring of the qos namespaces: qos/circuit-breaker at the backend level.</summary>
internal static class QosBuilder
{
    /// <summary>The extra_config namespaces this feature implements.</summary>
    public static readonly ImmutableArray<string> Namespaces = ["qos/circuit-breaker"];

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
}
