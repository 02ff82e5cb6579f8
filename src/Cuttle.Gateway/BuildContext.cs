using Cuttle.Config.Model;
using Cuttle.Gateway.Backends;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway;

/// <summary>
/// What every feature builder may need while one generation is compiled, passed as one value instead of threaded
/// parameter by parameter. It lives only as long as <see cref="GenerationBuilder.Build"/>; the per-endpoint and
/// per-backend configuration is passed alongside, because it changes at every step of the chain.
/// </summary>
/// <param name="Config">The configuration being compiled (router options for the endpoint handlers, service-level namespaces).</param>
/// <param name="Transport">The generation's shared backend pool: how backend calls and no-op endpoints reach a backend.</param>
/// <param name="Time">The clock of every timeout, cache and CEL <c>now</c>, so tests can drive it.</param>
/// <param name="Logger">The gateway's logger.</param>
/// <param name="State">Where stateful features take their state from, so that it survives a reload when unchanged.</param>
internal sealed record BuildContext(GatewayConfig Config, BackendTransport Transport, TimeProvider Time, ILogger Logger, GenerationState.Builder State)
{
    /// <summary>The pool's HttpMessageInvoker, for what is no backend call (JWK fetches).</summary>
    public HttpMessageInvoker Client => Transport.Invoker;

    /// <summary>telemetry/metrics for this build; null when off.</summary>
    public Telemetry.Stats.StatsScope? Stats { get; init; }

    /// <summary>The console's counters for this build; null when the console is off.</summary>
    public Telemetry.Traffic.TrafficScope? Traffic { get; init; }

    /// <summary>The generation's Redis connections (qos/ratelimit/router/redis); the generation disposes them.</summary>
    public Qos.Redis.RedisConnectionSet? Redis { get; init; }

    /// <summary>The generation's qos/http-cache stores (per backend, and the one its shared backends use).</summary>
    public Backends.Caching.HttpCacheStores HttpCaches { get; } = new();

    /// <summary>The first SRV lookups of this build's sd: dns backends, awaited before the generation is returned.</summary>
    public Discovery.SrvFirstLookups SrvLookups { get; } = new();

    /// <summary>The documents validation/json-schema's remote $refs name, fetched once for the whole build.</summary>
    public Validation.RemoteSchemaDocuments RemoteSchemas => field ??= new(Client, Time);
}
