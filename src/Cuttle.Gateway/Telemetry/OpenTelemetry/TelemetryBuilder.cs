using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>
/// Wires telemetry/opentelemetry (and telemetry/opencensus mapped onto it) into a generation at KrakenD's places:
/// the global layer around the router, the proxy stage outermost of the endpoint's pipe (CE proxy_factory: otel
/// first), the backend stage outermost of each backend (CE backend_factory: otel before the circuit breaker), and
/// the backend-request layer in the HTTP client. Each Wrap returns its input unchanged when the layer is off.
/// </summary>
internal static class TelemetryBuilder
{
    public static readonly ImmutableArray<string> Namespaces = ["telemetry/opentelemetry", "telemetry/opencensus"];

    /// <summary>The global layer, or null when telemetry is not configured or the layer is all off.</summary>
    public static ServerTelemetry? Server(GatewayConfig config) =>
        config.OpenTelemetry is { } o && ServerTelemetry.IsOn(o) ? new ServerTelemetry(o) : null;

    private static bool Skipped(OpenTelemetryOptions o, string endpoint) => o.SkipPaths.Contains(endpoint);

    /// <summary>Marks an endpoint's handler with its http.route for the global layer.</summary>
    public static IEndpointHandler WrapRoute(IEndpointHandler handler, EndpointConfig endpoint, BuildContext context)
    {
        if (context.Config.OpenTelemetry is not { } o || !ServerTelemetry.IsOn(o) || Skipped(o, endpoint.Endpoint)) return handler;
        return new RouteTelemetryHandler(handler, KrakendInstruments.RoutePattern(endpoint.Endpoint, lowerCase: false));
    }

    /// <summary>The proxy stage: the endpoint's own "proxy" block replaces the service's (not merged).</summary>
    public static IProxy WrapProxy(IProxy stack, EndpointConfig endpoint, BuildContext context)
    {
        if (context.Config.OpenTelemetry is not { } o || Skipped(o, endpoint.Endpoint)) return stack;
        var opts = endpoint.Telemetry?.Proxy ?? o.Proxy;
        if (opts.DisableMetrics && opts.DisableTraces) return stack;
        var route = KrakendInstruments.RoutePattern(endpoint.Endpoint, lowerCase: false);
        KeyValuePair<string, object?>[] baseTags = [new("http.request.method", endpoint.Method), new("http.route", route)];
        return new StageTelemetryProxy(stack, route, opts.DisableMetrics ? null : KrakendInstruments.ProxyDuration, !opts.DisableTraces,
            [.. baseTags, .. ServerTelemetry.Tags(opts.MetricsStaticAttributes)],
            [.. baseTags, .. ServerTelemetry.Tags(opts.TracesStaticAttributes), new("krakend.stage", "proxy")],
            HeaderAttributes.For(opts.ReportHeaders, opts.SkipHeaders));
    }

    private static BackendLayerOptions BackendOptions(OpenTelemetryOptions o, BackendConfig backend) => backend.Telemetry?.Backend ?? o.Backend;

    private static KeyValuePair<string, object?>[] BackendTags(BackendConfig backend, EndpointConfig endpoint) =>
    [
        new("http.request.method", backend.Method),
        new("http.route", KrakendInstruments.RoutePattern(backend.UrlPattern, lowerCase: true)),
        new("krakend.endpoint.route", KrakendInstruments.RoutePattern(endpoint.Endpoint, lowerCase: false)),
        new("krakend.endpoint.method", endpoint.Method),
    ];

    /// <summary>The backend stage: the backend's own "backend" block replaces the service's.</summary>
    public static IProxy WrapBackend(IProxy proxy, BackendConfig backend, EndpointConfig endpoint, BuildContext context)
    {
        if (context.Config.OpenTelemetry is not { } o || Skipped(o, endpoint.Endpoint)) return proxy;
        var opts = BackendOptions(o, backend);
        if (opts.Metrics.DisableStage && opts.Traces.DisableStage) return proxy;
        var tags = BackendTags(backend, endpoint);
        return new StageTelemetryProxy(proxy, KrakendInstruments.RoutePattern(backend.UrlPattern, lowerCase: true),
            opts.Metrics.DisableStage ? null : KrakendInstruments.BackendDuration, !opts.Traces.DisableStage,
            [.. tags, .. ServerTelemetry.Tags(opts.Metrics.StaticAttributes)],
            [.. tags, .. ServerTelemetry.Tags(opts.Traces.StaticAttributes), new("krakend.stage", "backend")],
            HeaderAttributes.For(opts.Traces.ReportHeaders, opts.Traces.SkipHeaders));
    }

    /// <summary>
    /// The backend-request layer (round_trip): null when telemetry is off for this backend, so its client pays nothing.
    /// The trace context is propagated unless the global layer's disable_propagation says otherwise.
    /// </summary>
    public static IBackendCallObserver? BackendCall(BackendConfig backend, EndpointConfig endpoint, BuildContext context)
    {
        if (context.Config.OpenTelemetry is not { } o || Skipped(o, endpoint.Endpoint)) return null;
        var opts = BackendOptions(o, backend);
        var metrics = opts.Metrics.RoundTrip || opts.Metrics.ReadPayload;
        var traces = opts.Traces.RoundTrip || opts.Traces.ReadPayload;
        var propagate = !o.Global.DisablePropagation;
        if (!metrics && !traces && !propagate) return null;
        var pattern = KrakendInstruments.RoutePattern(backend.UrlPattern, lowerCase: true);
        var tags = BackendTags(backend, endpoint);
        return new BackendCallTelemetry(pattern, metrics, traces, propagate,
            // http.request.method is added per request (after redirects it may be GET), so not twice here.
            [.. tags.AsSpan(1), .. ServerTelemetry.Tags(opts.Metrics.StaticAttributes), new("clientname", pattern)],
            [.. tags, new("krakend.stage", "backend-request"), .. ServerTelemetry.Tags(opts.Traces.StaticAttributes)],
            backend.Host.IsDefaultOrEmpty ? ["http://127.0.0.1"] : backend.Host,
            traces ? HeaderAttributes.For(opts.Traces.ReportHeaders, opts.Traces.SkipHeaders) : null,
            opts.Metrics.DetailedConnection, opts.Traces.DetailedConnection, o.Global.SemanticConvention);
    }
}
