using System.Diagnostics;
using Cuttle.Gateway.Backends;

namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>
/// krakend-otel's instrumented HTTP client (http/client/transport*.go) for one backend: a client span
/// (krakend.stage=backend-request) and http.client.* metrics, on the own HTTP/1.1 client and SocketsHttpHandler
/// alike. The fixed tags, and per configured host its server.address and server.port, are built here once.
/// </summary>
internal sealed class BackendCallTelemetry : IBackendCallObserver
{
    private readonly string _spanName;
    private readonly bool _metrics;
    private readonly bool _traces;
    private readonly KeyValuePair<string, object?>[] _metricTags;
    private readonly KeyValuePair<string, object?>[] _traceTags;
    private readonly HostTags[] _hosts;
    private readonly HeaderAttributes? _headers;
    private readonly bool _detailedMetrics;
    private readonly bool _detailedTraces;
    private readonly ClientInstruments _instruments;

    // detailedMetrics/detailedTraces: detailed_connection of the metrics and traces blocks, acted on only while that
    // block's round trip is measured (krakend-otel builds no transport otherwise).
    public BackendCallTelemetry(string spanName, bool metrics, bool traces, bool propagate, KeyValuePair<string, object?>[] metricTags,
        KeyValuePair<string, object?>[] traceTags, IReadOnlyList<string> hosts, HeaderAttributes? headers = null,
        bool detailedMetrics = false, bool detailedTraces = false, string semanticConvention = "")
    {
        _detailedMetrics = metrics && detailedMetrics;
        _instruments = ClientInstruments.For(semanticConvention, detailedMetrics);
        _detailedTraces = traces && detailedTraces;
        _headers = headers;
        _spanName = spanName;
        _metrics = metrics;
        _traces = traces;
        Propagate = propagate;
        _metricTags = metricTags;
        _traceTags = traceTags;
        _hosts = new HostTags[hosts.Count];
        for (var i = 0; i < _hosts.Length; i++) _hosts[i] = HostTags.For(hosts[i]);
    }

    public bool Propagate { get; }

    public Activity? Start(string url, string method, Data.ProxyRequest request, HashSet<string>? headerFilter)
    {
        if (!_traces) return null;
        var activity = TraceSampling.StartSpan(_spanName, ActivityKind.Client, request.Trace);
        if (activity is { IsAllDataRequested: true })
        {
            foreach (var tag in _traceTags) activity.SetTag(tag.Key, tag.Value);
            activity.SetTag("url.full", url);
            activity.SetTag("http.request.method", method);
            var host = Find(url);
            activity.SetTag("server.address", host.Address);
            // transport_traces.go reads the headers before the trace context is injected: traceparent is not among them.
            _headers?.Request(activity, request.Headers, headerFilter);
        }
        return activity;
    }

    public void End(Activity? activity, long startTimestamp, string url, string method, Data.ProxyRequest request, BackendResponse? response,
        Exception? error, CancellationToken ct)
    {
        var seconds = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        var m = _instruments;
        if (_metrics && m.Duration.Enabled)
        {
            var host = Find(url);
            var tags = new TagList(_metricTags.AsSpan())
            {
                { "http.request.method", method },
                { "server.address", host.Address },
                { "server.port", host.Port },
                { "http.response.status_code", KrakendInstruments.Status(response?.StatusCode ?? 0) },
            };
            m.Started?.Add(1, tags);
            // semconv 1.27's request body size: Go's request ContentLength as lura sets it (the forwarded
            // Content-Length of a request with a body, else 0).
            m.RequestBodySize?.Record(request.Body is null && request.BufferedBody is null ? 0 : request.ForwardedContentLength ?? 0, tags);
            if (error is not null)
            {
                if (ct.IsCancellationRequested) m.Canceled?.Add(1, tags);
                else if (error is OperationCanceledException or TimeoutException)
                {
                    m.TimedOut?.Add(1, tags);
                    m.Failed?.Add(1, tags);
                }
                else m.Failed?.Add(1, tags);
            }
            m.Duration.Record(seconds, tags);
            if (method != "HEAD" && response is not null)
            {
                if (response.ContentLength is { } length) m.ResponseSize.Record(length, tags);
                else m.NoContentLength?.Add(1, tags);
            }
            if (_detailedMetrics && m.GetConnDuration is not null)
            {
                // transport_metrics.go records all three for every request, failed ones included (then as measured so
                // far: Cuttle has no connection to read a failure's from, so 0).
                var connection = response?.Connection ?? default;
                m.GetConnDuration.Record(ConnectionTimings.Seconds(connection.GetConnTicks), tags);
                m.DnsDuration!.Record(ConnectionTimings.Seconds(connection.DnsTicks), tags);
                m.TlsDuration!.Record(ConnectionTimings.Seconds(connection.TlsTicks), tags);
            }
        }
        if (activity is null) return;
        if (activity.IsAllDataRequested)
        {
            if (error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, error.Message);
            }
            else if (response is not null)
            {
                activity.SetTag("http.response.status_code", KrakendInstruments.Status(response.StatusCode));
                activity.SetTag("http.response.body.size", KrakendInstruments.Size(response.ContentLength ?? -1));
                activity.SetTag("response-duration", seconds);
                if (_detailedTraces) ReportConnection(activity, startTimestamp, response.Connection);
                if (_headers is not null) ReportResponseHeaders(activity, response);
            }
        }
        activity.Dispose();
    }

    /// <summary>
    /// transport_traces.go's detailed_connection: the three durations (seconds) as attributes of the client span and
    /// a "first-byte-time" event, on a successful round trip only. No span of their own: krakend-otel makes none.
    /// </summary>
    private static void ReportConnection(Activity activity, long startTimestamp, ConnectionTimings connection)
    {
        activity.SetTag("get-conn-duration", ConnectionTimings.Seconds(connection.GetConnTicks));
        activity.SetTag("dns-duration", ConnectionTimings.Seconds(connection.DnsTicks));
        activity.SetTag("tls-duration", ConnectionTimings.Seconds(connection.TlsTicks));
        // The span's clock is wall time: the first byte's offset from the call's start, added to the span's start.
        var firstByte = connection.FirstByteAt != 0 ? connection.FirstByteAt : Stopwatch.GetTimestamp();
        var at = activity.StartTimeUtc + Stopwatch.GetElapsedTime(startTimestamp, firstByte);
        activity.AddEvent(new ActivityEvent("first-byte-time", new DateTimeOffset(at)));
    }

    /// <summary>The backend's response headers as Cuttle passes them on (hop-by-hop fields are not kept by the response).</summary>
    private void ReportResponseHeaders(Activity activity, BackendResponse response)
    {
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
        response.CopyHeadersTo(headers);
        _headers!.Response(activity, headers);
    }

    private HostTags Find(string url)
    {
        foreach (var host in _hosts)
            if (url.StartsWith(host.Prefix, StringComparison.OrdinalIgnoreCase)) return host;
        return HostTags.For(url);
    }

    /// <summary>server.address and server.port of a host, as krakend-otel's requestServerAndPort (80/443 by scheme when not written).</summary>
    private sealed record HostTags(string Prefix, string Address, object Port)
    {
        public static HostTags For(string hostOrUrl)
        {
            if (!Uri.TryCreate(hostOrUrl, UriKind.Absolute, out var uri)) return new HostTags(hostOrUrl, hostOrUrl, 80);
            return new HostTags(uri.GetLeftPart(UriPartial.Authority), uri.Host, uri.Port);
        }
    }
}
