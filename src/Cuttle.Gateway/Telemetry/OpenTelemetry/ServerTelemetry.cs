using System.Diagnostics;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>
/// telemetry/opentelemetry's global layer (krakend-otel http/server): around the whole router, the W3C trace context
/// taken from the client, KrakenD's sampling decision, one server span per sampled request named after its path, and
/// http.server.duration / http.server.response.size (semantic_convention 1.27: <see cref="ServerInstruments"/>) under http.route (the matched endpoint, else KrakenD's
/// "404 Not Found"-style text). The gateway decides sampling itself (<see cref="TraceSampling"/>) before any Activity
/// exists: an unsampled request gets none (the SDK would create one per request just to carry the context), only a
/// <see cref="RequestTrace"/> with its trace id, a new span id and flag 00 for its backends. Built once per
/// generation; immutable. Its begin and end run in the host's frame for the request (<see cref="DispatchObservation"/>),
/// timed on the generation's clock.
/// </summary>
internal sealed class ServerTelemetry
{
    private readonly HashSet<string> _skip;
    private readonly bool _metrics;
    private readonly bool _traces;
    private readonly bool _propagate;
    private readonly double _rate;
    private readonly KeyValuePair<string, object?>[] _metricTags;
    private readonly KeyValuePair<string, object?>[] _traceTags;
    private readonly HeaderAttributes? _headers;
    private readonly ServerInstruments _instruments;

    public ServerTelemetry(OpenTelemetryOptions options)
    {
        _skip = new HashSet<string>(options.SkipPaths, StringComparer.Ordinal);
        var g = options.Global;
        _metrics = !g.DisableMetrics;
        _traces = !g.DisableTraces;
        _propagate = !g.DisablePropagation;
        _rate = options.TraceSampleRate;
        _metricTags = Tags(g.MetricsStaticAttributes);
        _traceTags = [new("krakend.stage", "global"), .. Tags(g.TracesStaticAttributes)];
        _headers = HeaderAttributes.For(g.ReportHeaders, g.SkipHeaders);
        _instruments = ServerInstruments.For(g.SemanticConvention);
        TraceSampling.InstallGenerator();
    }

    /// <summary>Whether the layer does anything at all (KrakenD leaves the handler out when all three are off).</summary>
    public static bool IsOn(OpenTelemetryOptions options) =>
        !(options.Global.DisableMetrics && options.Global.DisableTraces && options.Global.DisablePropagation);

    internal static KeyValuePair<string, object?>[] Tags(System.Collections.Immutable.ImmutableArray<TelemetryAttribute> attributes)
    {
        var tags = new KeyValuePair<string, object?>[attributes.Length];
        for (var i = 0; i < tags.Length; i++) tags[i] = new(attributes[i].Key, attributes[i].Value);
        return tags;
    }

    /// <summary>
    /// Starts observing a request: false when its path is skipped. The server span, if sampled, is current from here;
    /// the caller keeps it with the start in its <see cref="DispatchObservation"/>.
    /// </summary>
    public bool Begin(HttpContext context, out Activity? activity)
    {
        var path = context.Request.Path.Value ?? "/";
        activity = null;
        if (_skip.Contains(path)) return false;
        if (_traces || _propagate) activity = StartTrace(context, path);
        return true;
    }

    /// <summary>
    /// The trace decision of one request. The client's context is its parent (unless propagation is off); with no
    /// tracer listening it passes to the backends unchanged (krakend-otel's no-op tracer does the same).
    /// </summary>
    private Activity? StartTrace(HttpContext context, string path)
    {
        var hasParent = false;
        TraceParent parent = default;
        string? state = null;
        if (_propagate) hasParent = TryParent(context.Request.Headers, out parent, out state);
        if (!KrakendInstruments.Source.HasListeners())
        {
            if (hasParent) context.Features.Set(new RequestTrace(parent, state, remoteParent: true));
            return null;
        }
        var root = hasParent ? default : TraceParent.NewRoot();
        var sampled = TraceSampling.ShouldSample(_rate, hasParent, parent.Sampled, hasParent ? parent.TraceLow : root.TraceLow);
        if (sampled && _traces)
        {
            var activity = hasParent
                ? KrakendInstruments.Source.StartActivity(path, ActivityKind.Server, parent.ToActivityContext(state, isRemote: true))
                : TraceSampling.StartRoot(path, ActivityKind.Server, root with { Sampled = true });
            if (activity is not null)
            {
                if (activity.IsAllDataRequested) StartTags(activity, context);
                return activity;
            }
        }
        // No server span: the request's context for the layers below. Unsampled, a new span id stands for the span
        // KrakenD would not record either; sampled without a global span (its traces disabled), the stages start
        // their spans under the client's context or as the root of the trace chosen here.
        RequestTrace trace;
        if (!sampled) trace = new RequestTrace((hasParent ? parent : root) with { SpanId = TraceParent.NewSpanId(), Sampled = false }, state, remoteParent: false);
        else trace = hasParent ? new RequestTrace(parent, state, remoteParent: true) : new RequestTrace(root with { Sampled = true }, state, remoteParent: false);
        context.Features.Set(trace);
        return null;
    }

    /// <summary>
    /// Records the request's metrics and ends its server span; <paramref name="elapsed"/>: since the request began;
    /// <paramref name="failed"/>: it ended with an exception the host answers 500.
    /// </summary>
    public void End(in DispatchObservation observation, HttpContext context, TimeSpan elapsed, bool failed)
    {
        var status = failed && !context.Response.HasStarted ? 500 : context.Response.StatusCode;
        // The console's counters wrap the route outermost while it is on; the route is the handler inside them.
        var handler = observation.Handler is Traffic.TrafficEndpointHandler counted ? counted.Inner : observation.Handler;
        var route = handler is RouteTelemetryHandler r ? r.Route : StatusRoute(status);
        if (_metrics && _instruments.Duration.Enabled) Record(context, elapsed, route, status);
        if (observation.Activity is { } activity) End(activity, context, route, status, failed);
    }

    private void Record(HttpContext context, TimeSpan elapsed, string route, int status)
    {
        var tags = new TagList(_metricTags.AsSpan())
        {
            { "http.request.method", KrakendInstruments.ValidMethod(context.Request.Method) },
            { "url.scheme", "http" },
            { "http.route", route },
            { "http.response.status_code", KrakendInstruments.Status(status) },
        };
        _instruments.Duration.Record(elapsed.TotalSeconds, tags);
        _instruments.ResponseSize.Record(context.Response.ContentLength ?? 0, tags);
    }

    private void StartTags(Activity activity, HttpContext context)
    {
        var request = context.Request;
        activity.SetTag("url.full", request.Scheme + "://" + request.Host.Value + request.Path.Value + request.QueryString.Value);
        activity.SetTag("server.address", request.Host.Value);
        activity.SetTag("http.request.method", request.Method);
        if (request.ContentLength is { } length) activity.SetTag("http.request.body.size", KrakendInstruments.Size(length));
        if (request.Headers.UserAgent.ToString() is { Length: > 0 } ua) activity.SetTag("user_agent.original", ua);
        if (context.Connection.RemoteIpAddress is { } ip) activity.SetTag("client.address", ClientAddress(context, ip));
        foreach (var tag in _traceTags) activity.SetTag(tag.Key, tag.Value);
        _headers?.Request(activity, request.Headers);
    }

    private static readonly object ClientAddressKey = new();

    /// <summary>
    /// The socket's "ip:port", the same for every request of a connection: formatted once per connection and kept in
    /// its items (as gin's client IP is), not per sampled request.
    /// </summary>
    private static string ClientAddress(HttpContext context, System.Net.IPAddress ip)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(ClientAddressKey, out var cached) && cached is string s) return s;
        var address = ip.ToString() + ":" + context.Connection.RemotePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (items is not null) items[ClientAddressKey] = address;
        return address;
    }

    private void End(Activity activity, HttpContext context, string route, int status, bool failed)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.route", route);
            activity.SetTag("http.response.status_code", KrakendInstruments.Status(status));
            activity.SetTag("http.response.body.size", KrakendInstruments.Size(context.Response.ContentLength ?? 0));
            _headers?.Response(activity, context.Response.Headers);
            activity.SetStatus(failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
        }
        activity.Dispose();
    }

    /// <summary>
    /// The W3C traceparent (and tracestate) a client sent: exactly one traceparent header, valid per the spec. Parsed
    /// into numbers, so an unsampled request never turns it into Activity ids.
    /// </summary>
    internal static bool TryParent(IHeaderDictionary headers, out TraceParent parent, out string? state)
    {
        parent = default;
        state = null;
        if (!headers.TryGetValue("traceparent", out var tp) || tp.Count != 1 || !TraceParent.TryParse(tp[0], out parent)) return false;
        state = headers.TryGetValue("tracestate", out var ts) && ts.Count > 0 ? ts.ToString() : null;
        return true;
    }

    private static readonly string[] StatusRoutes = new string[600];

    /// <summary>krakend-otel's EndpointPattern for an unmatched request: "404 Not Found", "405 Method Not Allowed".</summary>
    private static string StatusRoute(int status)
    {
        if ((uint)status >= (uint)StatusRoutes.Length) return status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return StatusRoutes[status] ??= status.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " +
            Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
    }
}
