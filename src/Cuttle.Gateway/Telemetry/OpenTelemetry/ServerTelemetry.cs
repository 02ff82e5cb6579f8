using System.Diagnostics;
using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>
/// telemetry/opentelemetry's global layer (krakend-otel http/server): around the whole router, one server span per
/// request named after its path, the W3C trace context taken from the client, and http.server.duration /
/// http.server.response.size under http.route (the matched endpoint, else KrakenD's "404 Not Found"-style text).
/// Built once per generation; immutable.
/// </summary>
internal sealed class ServerTelemetry
{
    private readonly HashSet<string> _skip;
    private readonly bool _metrics;
    private readonly bool _traces;
    private readonly bool _propagate;
    private readonly KeyValuePair<string, object?>[] _metricTags;
    private readonly KeyValuePair<string, object?>[] _traceTags;

    public ServerTelemetry(OpenTelemetryOptions options)
    {
        _skip = new HashSet<string>(options.SkipPaths, StringComparer.Ordinal);
        var g = options.Global;
        _metrics = !g.DisableMetrics;
        _traces = !g.DisableTraces;
        _propagate = !g.DisablePropagation;
        _metricTags = Tags(g.MetricsStaticAttributes);
        _traceTags = [new("krakend.stage", "global"), .. Tags(g.TracesStaticAttributes)];
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

    public ValueTask HandleAsync(HttpContext context, Generation generation)
    {
        var path = context.Request.Path.Value ?? "/";
        if (_skip.Contains(path)) return new ValueTask(generation.DispatchCore(context, out _));
        return InstrumentedAsync(context, generation, path);
    }

    // Pooled: a Task-returning frame here was a new state machine box for every request (measured with AllocationTick).
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask InstrumentedAsync(HttpContext context, Generation generation, string path)
    {
        var started = Stopwatch.GetTimestamp();
        Activity? activity = null;
        if (_traces && KrakendInstruments.Source.HasListeners())
        {
            ActivityContext parent = default;
            if (_propagate) TryParent(context.Request.Headers, out parent);
            activity = KrakendInstruments.Source.StartActivity(path, ActivityKind.Server, parent);
            if (activity is { IsAllDataRequested: true }) StartTags(activity, context);
        }
        IEndpointHandler? handler = null;
        var failed = false;
        try
        {
            await generation.DispatchCore(context, out handler).ConfigureAwait(false);
        }
        catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            failed = true; // the host answers 500 (gin's Recovery in KrakenD)
            throw;
        }
        finally
        {
            var status = failed && !context.Response.HasStarted ? 500 : context.Response.StatusCode;
            var route = handler is RouteTelemetryHandler r ? r.Route : StatusRoute(status);
            if (_metrics && KrakendInstruments.ServerDuration.Enabled) Record(context, started, route, status);
            if (activity is not null) End(activity, context, route, status, failed);
        }
    }

    private void Record(HttpContext context, long started, string route, int status)
    {
        var tags = new TagList(_metricTags.AsSpan())
        {
            { "http.request.method", KrakendInstruments.ValidMethod(context.Request.Method) },
            { "url.scheme", "http" },
            { "http.route", route },
            { "http.response.status_code", KrakendInstruments.Status(status) },
        };
        KrakendInstruments.ServerDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        KrakendInstruments.ServerResponseSize.Record(context.Response.ContentLength ?? 0, tags);
    }

    private void StartTags(Activity activity, HttpContext context)
    {
        var request = context.Request;
        activity.SetTag("url.full", request.Scheme + "://" + request.Host.Value + request.Path.Value + request.QueryString.Value);
        activity.SetTag("server.address", request.Host.Value);
        activity.SetTag("http.request.method", request.Method);
        if (request.ContentLength is { } length) activity.SetTag("http.request.body.size", length);
        if (request.Headers.UserAgent.ToString() is { Length: > 0 } ua) activity.SetTag("user_agent.original", ua);
        if (context.Connection.RemoteIpAddress is { } ip) activity.SetTag("client.address", ip.ToString() + ":" + context.Connection.RemotePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var tag in _traceTags) activity.SetTag(tag.Key, tag.Value);
    }

    private static void End(Activity activity, HttpContext context, string route, int status, bool failed)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.route", route);
            activity.SetTag("http.response.status_code", KrakendInstruments.Status(status));
            activity.SetTag("http.response.body.size", context.Response.ContentLength ?? 0);
            activity.SetStatus(failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
        }
        activity.Dispose();
    }

    /// <summary>The W3C traceparent (and tracestate) a client sent, as the parent of the server span.</summary>
    internal static bool TryParent(IHeaderDictionary headers, out ActivityContext parent)
    {
        parent = default;
        if (!headers.TryGetValue("traceparent", out var tp) || tp.Count != 1) return false;
        var state = headers.TryGetValue("tracestate", out var ts) ? ts.ToString() : null;
        return ActivityContext.TryParse(tp[0], state, isRemote: true, out parent);
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
