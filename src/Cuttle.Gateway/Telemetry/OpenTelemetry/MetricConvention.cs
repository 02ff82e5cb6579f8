using System.Diagnostics.Metrics;
using Cuttle.Config.Model;

namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>
/// The global layer's two instruments under one semantic_convention: krakend-otel's default names
/// (http/server/metrics.go noSemConvMetricsFiller) or semconv 1.27's (semConv1_27MetricsFiller: the same
/// measurements and attributes under http.server.request.duration in "s" and http.server.response.body.size in "By").
/// Chosen once per generation, so a request never looks at the setting.
/// </summary>
internal sealed record ServerInstruments(Histogram<double> Duration, Histogram<long> ResponseSize)
{
    public static readonly ServerInstruments Default = new(KrakendInstruments.ServerDuration, KrakendInstruments.ServerResponseSize);

    /// <summary>krakend-otel falls back to the default names for any value but "1.27" (the binder warns about it).</summary>
    public static ServerInstruments For(string semanticConvention) =>
        semanticConvention == GlobalLayerOptions.SemanticConvention127 ? SemConv127Instruments.Server : Default;
}

/// <summary>
/// The backend-request layer's instruments under one semantic_convention (http/client/transport_metrics.go). A null
/// instrument is one krakend-otel puts on its no-op meter under that convention: nothing is recorded for it.
/// </summary>
internal sealed record ClientInstruments(
    Counter<long>? Started,
    Counter<long>? Failed,
    Counter<long>? Canceled,
    Counter<long>? TimedOut,
    Histogram<long>? RequestBodySize,
    Histogram<double> Duration,
    Histogram<long> ResponseSize,
    Counter<long>? NoContentLength,
    Histogram<double>? GetConnDuration,
    Histogram<double>? DnsDuration,
    Histogram<double>? TlsDuration)
{
    /// <summary>
    /// noSemConvMetricsFiller. (Its http.client.request.size counter of the request's Content-Length is not one of
    /// Cuttle's instruments.)
    /// </summary>
    public static readonly ClientInstruments Default = new(KrakendInstruments.ClientStarted, KrakendInstruments.ClientFailed,
        KrakendInstruments.ClientCanceled, KrakendInstruments.ClientTimedOut, null, KrakendInstruments.ClientDuration,
        KrakendInstruments.ClientResponseSize, KrakendInstruments.ClientNoContentLength, KrakendInstruments.ClientGetConnDuration,
        KrakendInstruments.ClientDnsDuration, KrakendInstruments.ClientTlsDuration);

    /// <summary>
    /// <paramref name="detailed"/>: the backend's metrics detailed_connection. Under 1.27 krakend-otel keeps its own
    /// non-standard counters and connection timings only with it, the timings and no-content-length then with units.
    /// </summary>
    public static ClientInstruments For(string semanticConvention, bool detailed) =>
        semanticConvention != GlobalLayerOptions.SemanticConvention127 ? Default
        : detailed ? SemConv127Instruments.ClientDetailed
        : SemConv127Instruments.Client;
}

/// <summary>
/// semconv 1.27's instruments (go.opentelemetry.io/otel/semconv/v1.27.0 names, units and descriptions), created on
/// the gateway's Meter the first time a generation asks for them: a gateway that never sets semantic_convention
/// never publishes them (an exporter would otherwise see two instruments of the same name with different units).
/// </summary>
internal static class SemConv127Instruments
{
    public static readonly ServerInstruments Server = new(
        KrakendInstruments.Time("http.server.request.duration", "s", "Duration of HTTP server requests."),
        KrakendInstruments.Size("http.server.response.body.size", "By", "Size of HTTP server response bodies."));

    private static readonly Histogram<double> ClientDuration = KrakendInstruments.Time("http.client.request.duration", "s", "Duration of HTTP client requests.");
    private static readonly Histogram<long> ClientRequestBodySize = KrakendInstruments.Size("http.client.request.body.size", "By", "Size of HTTP client request bodies.");
    private static readonly Histogram<long> ClientResponseBodySize = KrakendInstruments.Size("http.client.response.body.size", "By", "Size of HTTP client response bodies.");

    public static readonly ClientInstruments Client = new(null, null, null, null, ClientRequestBodySize, ClientDuration,
        ClientResponseBodySize, null, null, null, null);

    public static readonly ClientInstruments ClientDetailed = new(KrakendInstruments.ClientStarted, KrakendInstruments.ClientFailed,
        KrakendInstruments.ClientCanceled, KrakendInstruments.ClientTimedOut, ClientRequestBodySize, ClientDuration, ClientResponseBodySize,
        KrakendInstruments.Meter.CreateCounter<long>("http.client.response.no-content-length", "By", "Client received responses that do not have 'Content-Length' value set"),
        KrakendInstruments.Time("http.client.request.get-conn.duration", "s", "Time spent acquiring a client connection"),
        KrakendInstruments.Time("http.client.request.dns.duration", "s", "Time spent resolving the DNS name"),
        KrakendInstruments.Time("http.client.request.tls.duration", "s", "Time spent on TLS negotiation and connection"));

    // Explicit: the instruments are created on first use of this class, not whenever the runtime chooses.
    static SemConv127Instruments()
    {
    }
}
