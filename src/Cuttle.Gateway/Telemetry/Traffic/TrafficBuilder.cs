using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Proxy;
using Cuttle.Gateway.Qos;

namespace Cuttle.Gateway.Telemetry.Traffic;

/// <summary>
/// Wires the console's counters (Cuttle's own, no KrakenD namespace): around each endpoint, outermost, and around each
/// backend, outermost of its pipe. Each returns the inner piece unchanged when the host gave no registry, which it
/// does only while the console is on.
/// </summary>
internal static class TrafficBuilder
{
    public static IEndpointHandler WrapRoute(IEndpointHandler inner, EndpointConfig endpoint, BuildContext context)
        => context.Traffic is { } t ? new TrafficEndpointHandler(inner, t.Registry.Endpoint(TrafficKeys.Endpoint(endpoint), t.Generation)) : inner;

    public static IProxy WrapBackend(IProxy inner, EndpointConfig endpoint, int index, BuildContext context)
        => context.Traffic is { } t ? new TrafficProxy(inner, t.Registry.Backend(TrafficKeys.Backend(endpoint, index), t.Generation), context.Time) : inner;
}

/// <summary>What one build needs of the console's counters: the host's registry and the generation's number.</summary>
internal sealed record TrafficScope(TrafficRegistry Registry, long Generation);

/// <summary>What the console shows of a generation's stateful features.</summary>
public static class TrafficInspection
{
    /// <summary>The circuit breakers of a generation: backend identity and state ("closed", "half-open", "open").</summary>
    public static List<KeyValuePair<string, string>> CircuitBreakers(GenerationState state)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (identity, value) in state.Items("circuit-breaker"))
        {
            if (value is not CircuitBreaker breaker) continue;
            list.Add(new(identity, breaker.State switch
            {
                CircuitState.Open => "open",
                CircuitState.HalfOpen => "half-open",
                _ => "closed",
            }));
        }
        return list;
    }
}
