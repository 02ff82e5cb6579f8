using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>
/// The gateway's one ActivitySource and Meter, named as krakend-otel's provider ("io.krakend.krakend-otel", the
/// otel_scope_name KrakenD's dashboards see), and the instruments under krakend-otel's metric names. They live for
/// the process: a generation holds only which layers are on and its pre-built tags, and the host's providers
/// (exporters) subscribe to them by name. With no provider listening, an instrument is disabled and recording
/// returns at once; the layers check <see cref="Instrument.Enabled"/> before building any tag list.
/// </summary>
internal static class KrakendInstruments
{
    public const string Name = TelemetryNames.Source;

    public static readonly ActivitySource Source = new(Name, GatewayVersion.Cuttle);
    public static readonly Meter Meter = new(Name, GatewayVersion.Cuttle);

    /// <summary>krakend-otel's TimeBucketsOpt (seconds).</summary>
    private static readonly double[] TimeBuckets =
        [0.010, 0.020, 0.050, 0.075, 0.100, 0.125, 0.150, 0.175, 0.200, 0.250, 0.300, 0.350, 0.500, 0.750, 1.000, 1.500, 2.000, 3.500, 5.000, 10.000];

    /// <summary>krakend-otel's SizeBucketsOpt (bytes).</summary>
    private static readonly long[] SizeBuckets =
        [128, 256, 512, 1024, 4 * 1024, 8 * 1024, 16 * 1024, 32 * 1024, 64 * 1024, 4 * 64 * 1024, 8 * 64 * 1024, 16 * 64 * 1024, 4 * 1024 * 1024, 16 * 1024 * 1024, 64 * 1024 * 1024];

    // Global layer (http/server/metrics.go, no semantic convention; semantic_convention 1.27: SemConv127Instruments).
    public static readonly Histogram<double> ServerDuration = Time("http.server.duration", "Time to serve a request (global layer).");
    public static readonly Histogram<long> ServerResponseSize = Size("http.server.response.size", "Size of the response body served.");

    // Proxy and backend stages (lura/proxy_meter.go: "krakend." + stage + ".duration").
    public static readonly Histogram<double> ProxyDuration = Time("krakend.proxy.duration", "Time spent in an endpoint's proxy pipe.");
    public static readonly Histogram<double> BackendDuration = Time("krakend.backend.duration", "Time spent in a backend stage.");

    // Backend requests (http/client/transport_metrics.go, no semantic convention; 1.27: SemConv127Instruments).
    public static readonly Counter<long> ClientStarted = Meter.CreateCounter<long>("http.client.request.started.count", null, "Backend requests started.");
    public static readonly Counter<long> ClientFailed = Meter.CreateCounter<long>("http.client.request.failed.count", null, "Backend requests failed (timeouts included).");
    public static readonly Counter<long> ClientCanceled = Meter.CreateCounter<long>("http.client.request.canceled.count", null, "Backend requests canceled.");
    public static readonly Counter<long> ClientTimedOut = Meter.CreateCounter<long>("http.client.request.timedout.count", null, "Backend requests timed out.");
    public static readonly Histogram<double> ClientDuration = Time("http.client.duration", "Time until a backend's response head arrived.");
    public static readonly Histogram<long> ClientResponseSize = Size("http.client.response.size", "Content-Length of the backend responses.");
    public static readonly Counter<long> ClientNoContentLength = Meter.CreateCounter<long>("http.client.response.no-content-length", null, "Backend responses without Content-Length.");

    // detailed_connection (transport_metrics.go: one of each per backend request, 0 for a phase that did not happen).
    public static readonly Histogram<double> ClientGetConnDuration = Time("http.client.request.get-conn.duration", "Time spent acquiring a backend connection (idle or new).");
    public static readonly Histogram<double> ClientDnsDuration = Time("http.client.request.dns.duration", "Time spent resolving a backend's host name.");
    public static readonly Histogram<double> ClientTlsDuration = Time("http.client.request.tls.duration", "Time spent on a backend connection's TLS handshake.");

    internal static Histogram<double> Time(string name, string description) => Time(name, null, description);

    internal static Histogram<double> Time(string name, string? unit, string description) =>
        Meter.CreateHistogram(name, unit, description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = TimeBuckets });

    internal static Histogram<long> Size(string name, string description) => Size(name, null, description);

    internal static Histogram<long> Size(string name, string? unit, string description) =>
        Meter.CreateHistogram(name, unit, description, tags: null, new InstrumentAdvice<long> { HistogramBucketBoundaries = SizeBuckets });

    public static readonly object True = true;
    public static readonly object False = false;

    private static readonly object[] Statuses = CreateStatuses();

    private static object[] CreateStatuses()
    {
        var boxes = new object[600];
        for (var i = 0; i < boxes.Length; i++) boxes[i] = i;
        return boxes;
    }

    /// <summary>A status code as a tag value, boxed once per process for 0-599.</summary>
    public static object Status(int code) => (uint)code < (uint)Statuses.Length ? Statuses[code] : code;

    public static object Bool(bool value) => value ? True : False;

    private static readonly object?[] Sizes = new object?[1024];

    /// <summary>
    /// A body size as a span's tag value, boxed once per process for 0-1023 bytes (filled as met; small bodies repeat),
    /// so a sampled request's span does not box the same size again each time.
    /// </summary>
    public static object Size(long bytes) => (ulong)bytes < (ulong)Sizes.Length ? Sizes[bytes] ??= bytes : bytes;

    /// <summary>krakend-otel's validMethod: anything but the registered methods is "_OTHER" (bounded cardinality).</summary>
    public static string ValidMethod(string method) => method switch
    {
        "GET" or "POST" or "PUT" or "PATCH" or "DELETE" or "HEAD" or "OPTIONS" or "CONNECT" or "TRACE" => method,
        _ => "_OTHER",
    };

    /// <summary>
    /// The http.route of an endpoint or backend as KrakenD reports it: lura turns an endpoint's "{id}" into gin's
    /// ":id", and a backend's into "{{.Id}}", which krakend-otel's NormalizeURLPattern lower-cases to ":id".
    /// </summary>
    public static string RoutePattern(string pattern, bool lowerCase)
    {
        if (!pattern.Contains('{', StringComparison.Ordinal)) return pattern;
        var sb = new System.Text.StringBuilder(pattern.Length);
        var i = 0;
        while (i < pattern.Length)
        {
            var open = pattern.IndexOf('{', i);
            var close = open < 0 ? -1 : pattern.IndexOf('}', open + 1);
            if (close < 0)
            {
                sb.Append(pattern, i, pattern.Length - i);
                break;
            }
            var name = pattern.Substring(open + 1, close - open - 1);
            sb.Append(pattern, i, open - i).Append(':').Append(lowerCase ? name.ToLowerInvariant() : name);
            i = close + 1;
        }
        return sb.ToString();
    }
}
