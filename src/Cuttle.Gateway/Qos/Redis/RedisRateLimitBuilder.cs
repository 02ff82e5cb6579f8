using System.Collections.Immutable;
using Cuttle.Config.Model;

namespace Cuttle.Gateway.Qos.Redis;

/// <summary>
/// Build-time wiring of the KrakenD Enterprise shared rate limit: the service-level "redis" connections and the
/// endpoint-level "qos/ratelimit/router/redis". <see cref="QosBuilder.WrapEndpoint"/> puts the endpoint's limit from
/// here in a <see cref="SharedRateLimitEndpointHandler"/> at the router rate limit's place; the generation owns the
/// <see cref="RedisConnectionSet"/> its connections come from.
/// </summary>
internal static class RedisRateLimitBuilder
{
    /// <summary>The extra_config namespaces this feature implements.</summary>
    public static readonly ImmutableArray<string> Namespaces = ["redis", "qos/ratelimit/router/redis"];

    /// <summary>
    /// The endpoint's shared limit, or null when it has no "qos/ratelimit/router/redis". The connection comes from
    /// the generation's <paramref name="connections"/>, which the generation disposes with itself.
    /// </summary>
    public static RedisRateLimiter? Create(EndpointConfig endpoint, RedisConnectionSet connections, BuildContext context)
    {
        if (endpoint.RedisRateLimit is not { } options)
            return null;
        return new RedisRateLimiter(options, EndpointId(endpoint), connections.Get(options.Connection), context.Time);
    }

    /// <summary>The endpoint's identity in Redis keys: the same on every replica that serves the same configuration.</summary>
    public static string EndpointId(EndpointConfig endpoint) => endpoint.Method + " " + endpoint.Endpoint;
}
