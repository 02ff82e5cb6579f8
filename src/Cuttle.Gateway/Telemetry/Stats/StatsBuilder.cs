using System.Collections.Immutable;
using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Telemetry.Stats;

/// <summary>What one build needs of telemetry/metrics: the host's collector, the generation's number and the options.</summary>
internal sealed record StatsScope(StatsCollector Collector, long Generation, MetricsOptions Options);

/// <summary>
/// Wires telemetry/metrics (krakend-metrics) at KrakenD CE's three places: the router layer in handler_factory (inside
/// the bot detector, around JOSE), the "pipe" layer in proxy_factory (around lua-proxy and everything inside it), and
/// the "backend" layer in backend_factory (around the circuit breaker). Each returns the inner piece unchanged when
/// the namespace is absent, its layer is disabled, or the host gave no collector.
/// </summary>
internal static class StatsBuilder
{
    public static readonly ImmutableArray<string> Namespaces = ["telemetry/metrics", "telemetry/influx"]; // influx: the host pushes the collector's snapshot

    public static StatsScope? Scope(GatewayConfig config, GenerationOptions options)
        => config.Metrics is { } metrics && options.Stats is { } collector ? new StatsScope(collector, options.Number, metrics) : null;

    public static IEndpointHandler WrapRouter(IEndpointHandler inner, EndpointConfig endpoint, BuildContext context)
    {
        if (context.Stats is not { } s || s.Options.RouterDisabled) return inner;
        return new StatsEndpointHandler(inner, s.Collector, new RouterEndpointStats(s.Collector, RouterName(endpoint), s.Generation));
    }

    public static IProxy WrapPipe(IProxy inner, EndpointConfig endpoint, BuildContext context)
    {
        if (context.Stats is not { } s || s.Options.ProxyDisabled) return inner;
        return new StatsProxy(inner, new LayerStats(s.Collector, "pipe", RouterName(endpoint), s.Generation), context.Time);
    }

    public static IProxy WrapBackend(IProxy inner, BackendConfig backend, EndpointConfig endpoint, BuildContext context)
    {
        if (context.Stats is not { } s || s.Options.BackendDisabled) return inner;
        return new StatsProxy(inner, new LayerStats(s.Collector, "backend", BackendName(backend, endpoint), s.Generation), context.Time);
    }

    /// <summary>
    /// The endpoint as krakend-metrics names it, lura's cfg.Endpoint after config init: the gin path, whose
    /// <c>{param}</c> placeholders are written <c>:param</c> (uri.GetEndpointPath; the query part is left alone).
    /// </summary>
    internal static string RouterName(EndpointConfig endpoint)
    {
        var path = endpoint.Endpoint;
        var q = path.IndexOf('?');
        var sb = new StringBuilder(q < 0 ? path : path[..q]);
        foreach (var p in endpoint.Params) sb.Replace("{" + p + "}", ":" + p);
        if (q >= 0) sb.Append(path, q, path.Length - q);
        return sb.ToString();
    }

    /// <summary>The backend as krakend-metrics names it, lura's cfg.URLPattern after config init: placeholders as {{.Name}}.</summary>
    internal static string BackendName(BackendConfig backend, EndpointConfig endpoint)
        => new UrlTemplate(backend.UrlPattern, endpoint.Params).GoTemplate;
}
