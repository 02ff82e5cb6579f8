using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Cuttle.Config.Model;
using Cuttle.Diagnostics;
using Cuttle.Gateway;
using Cuttle.Gateway.Telemetry.OpenTelemetry;
using Cuttle.Telemetry.OpenCensus;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cuttle.Telemetry.OpenTelemetry;

/// <summary>
/// The host side of telemetry/opentelemetry: the OpenTelemetry SDK providers and their exporters (Prometheus
/// listeners, OTLP over gRPC or HTTP/protobuf), fed by the gateway's ActivitySource and Meter
/// ("io.krakend.krakend-otel") and by the host's own "cuttle" meter. One instance per server. After every
/// configuration it is given, the providers are kept when the exporters, resource and reporting period are the
/// same (the sample rate is changed in place, the layers belong to the generation); otherwise the old providers are
/// disposed first (their listeners closed, OTLP queues flushed within a bounded time) and new ones built, so a
/// changed Prometheus port is rebound and nothing accumulates across reloads. Called under the server's reload gate.
/// </summary>
internal sealed partial class TelemetryHost : IDisposable
{
    /// <summary>The host's own meter: reloads, live generation, config hash, drain time (cuttle_* in Prometheus).</summary>
    public const string CuttleMeterName = "cuttle";

    private readonly ILogger _logger;
    private readonly ReloadableSampler _sampler = new();
    private readonly Meter _cuttleMeter;
    private MeterProvider? _meters;
    private TracerProvider? _tracers;
    private string? _key;

    public TelemetryHost(ILoggerFactory loggerFactory, ReloadStatusSource status, Func<double> lastDrainSeconds)
    {
        _logger = loggerFactory.CreateLogger("Cuttle.Telemetry");
        _cuttleMeter = new Meter(CuttleMeterName, GatewayVersion.Cuttle);
        _cuttleMeter.CreateObservableCounter("cuttle.reloads.applied", () => status.Current?.Reloads ?? 0, null, "Reloads that swapped in a new generation.");
        _cuttleMeter.CreateObservableCounter("cuttle.reloads.rejected", () => status.Current?.RejectedReloads ?? 0, null, "Reloads refused (the live generation kept serving).");
        _cuttleMeter.CreateObservableGauge("cuttle.generation", () => status.Current?.Generation ?? 0, null, "Number of the live generation.");
        _cuttleMeter.CreateObservableGauge("cuttle.config.info",
            () => new Measurement<int>(1, new KeyValuePair<string, object?>("config_hash", status.Current?.ConfigHash ?? "")), null,
            "Always 1; the config_hash label is the live configuration's content hash.");
        _cuttleMeter.CreateObservableGauge("cuttle.generation.drain.duration", lastDrainSeconds, null,
            "Seconds the last retired generation took to drain its in-flight requests.");
    }

    /// <summary>The Prometheus exporters actually listening, by name, with their bound port (for tests and logs).</summary>
    public IReadOnlyDictionary<string, int> PrometheusPorts { get; private set; } = new Dictionary<string, int>();

    /// <summary>Applies the telemetry settings of a configuration that is now live.</summary>
    public void Apply(GatewayConfig config)
    {
        var options = config.OpenTelemetry;
        _sampler.Set(options?.TraceSampleRate ?? 1.0);
        var key = options is null ? null : Key(options);
        if (key == _key) return;
        DisposeProviders();
        _key = key;
        if (options is null) return;
        Build(options);
    }

    /// <summary>What, when it changes, needs new providers: everything but the sample rate and the layers.</summary>
    private static string Key(OpenTelemetryOptions o) => string.Join('\n',
        o.ServiceName, o.ServiceVersion, o.DeployEnv, o.MetricReportingPeriod.ToString(System.Globalization.CultureInfo.InvariantCulture),
        string.Join(';', o.Otlp.Select(e => $"{e.Name}|{e.Host}|{e.Port}|{e.UseHttp}|{e.DisableMetrics}|{e.DisableTraces}|{e.CustomMetricReportingPeriod}")),
        string.Join(';', o.Prometheus.Select(e => $"{e.Name}|{e.ListenIp}|{e.Port}|{e.DisableMetrics}|{e.ProcessMetrics}|{e.GoMetrics}")),
        o.OpenCensus?.ToString() ?? "");

    private void Build(OpenTelemetryOptions o)
    {
        var resource = ResourceBuilder.CreateEmpty().AddAttributes(Resource(o));
        var meters = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(TelemetryNames.Source, CuttleMeterName);
        var anyMetrics = false;
        var ports = new Dictionary<string, int>();
        foreach (var p in o.Prometheus)
        {
            if (p.DisableMetrics) continue;
            var address = p.ListenIp.Length == 0 ? IPAddress.Any : p.ListenIp == "localhost" ? IPAddress.Loopback : IPAddress.Parse(p.ListenIp);
            // HttpListener reports a taken port only when the provider is built, and then takes the whole provider
            // down: probe first, and leave this one exporter out with a clear line instead.
            if (!PortFree(address, p.Port, out var why))
            {
                Log.PortInUse(_logger, p.Name, p.ListenIp.Length == 0 ? "*" : p.ListenIp, p.Port, why);
                continue;
            }
            var host = p.ListenIp.Length == 0 ? "*" : p.ListenIp.Contains(':') ? "[" + p.ListenIp + "]" : p.ListenIp;
            var port = p.Port;
            meters.AddPrometheusHttpListener(l =>
            {
                l.Port = port;
                l.ScrapeResponseCacheDurationMilliseconds = 0;
                // The exporter's Host must parse as a URI host, so "every address" ("*", which HttpListener accepts
                // and which KrakenD's ":port" means) is set on the listener itself.
                l.ConfigureHttpListener = (_, listener) =>
                {
                    listener.Prefixes.Clear();
                    listener.Prefixes.Add($"http://{host}:{port}/");
                };
            });
            ports[p.Name] = p.Port;
            anyMetrics = true;
            if (p.ProcessMetrics || p.GoMetrics) Log.RuntimeMetricsIgnored(_logger, p.Name);
        }
        foreach (var e in o.Otlp)
        {
            if (e.DisableMetrics) continue;
            var period = (e.CustomMetricReportingPeriod >= 1 ? e.CustomMetricReportingPeriod : Math.Max(1, o.MetricReportingPeriod)) * 1000;
            meters.AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, e, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = period;
            });
            anyMetrics = true;
        }
        anyMetrics |= OpenCensusExporters.AddMetrics(meters, o, _logger);
        try
        {
            _meters = anyMetrics ? meters.Build() : null;
        }
        catch (Exception ex) when (ex is HttpListenerException or SocketException or InvalidOperationException)
        {
            Log.ExporterFailed(_logger, "metrics", ex.InnerException is { } inner ? ex.Message + " " + inner.Message : ex.Message);
            _meters = null;
            ports.Clear();
        }
        PrometheusPorts = ports;

        var traced = false;
        var tracers = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(TelemetryNames.Source).SetSampler(_sampler);
        foreach (var e in o.Otlp)
        {
            if (e.DisableTraces) continue;
            // The batch processor's queue is bounded (MaxQueueSize spans, the excess dropped) and exports on its own
            // thread: an unreachable collector costs neither request latency nor unbounded memory.
            tracers.AddOtlpExporter(exporter =>
            {
                Configure(exporter, e, "v1/traces");
                exporter.BatchExportProcessorOptions = new BatchExportActivityProcessorOptions { MaxQueueSize = 2048, MaxExportBatchSize = 512, ScheduledDelayMilliseconds = 5000, ExporterTimeoutMilliseconds = 10000 };
            });
            traced = true;
        }
        traced |= OpenCensusExporters.AddTraces(tracers, o, _logger);
        _tracers = traced ? tracers.Build() : null;
        Log.Applied(_logger, ports.Count, o.Otlp.Length, o.TraceSampleRate);
    }

    private static KeyValuePair<string, object>[] Resource(OpenTelemetryOptions o)
    {
        var list = new List<KeyValuePair<string, object>>
        {
            new("service.name", o.ServiceName),
            new("service.version", o.ServiceVersion.Length > 0 ? o.ServiceVersion : GatewayVersion.Cuttle),
        };
        if (o.DeployEnv.Length > 0) list.Add(new("deployment.environment", o.DeployEnv));
        return [.. list];
    }

    /// <summary>krakend-otel's otelcollector: host:port, insecure unless the host says https://; HTTP/protobuf on use_http.</summary>
    private static void Configure(global::OpenTelemetry.Exporter.OtlpExporterOptions exporter, Config.Model.OtlpExporterOptions e, string httpPath)
    {
        var host = e.Host;
        var scheme = "http";
        if (host.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) { scheme = "https"; host = host[8..]; }
        else if (host.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) host = host[7..];
        host = host.TrimEnd('/');
        exporter.Protocol = e.UseHttp ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        exporter.Endpoint = new Uri(e.UseHttp ? $"{scheme}://{host}:{e.Port}/{httpPath}" : $"{scheme}://{host}:{e.Port}");
        exporter.TimeoutMilliseconds = 10000;
    }

    private static bool PortFree(IPAddress address, int port, out string why)
    {
        try
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, port));
            why = "";
            return true;
        }
        catch (SocketException ex)
        {
            why = ex.Message;
            return false;
        }
    }

    private void DisposeProviders()
    {
        // Disposing shuts the readers and processors down: listeners closed, OTLP queues flushed (bounded by the timeouts).
        _tracers?.Dispose();
        _tracers = null;
        _meters?.Dispose();
        _meters = null;
        PrometheusPorts = new Dictionary<string, int>();
    }

    public void Dispose()
    {
        DisposeProviders();
        _cuttleMeter.Dispose();
    }

    /// <summary>
    /// krakend-otel's sampler (<see cref="TraceSampling"/>: parent-based trace-id ratio sampling for a rate strictly
    /// between 0 and 1, else every trace), changed in place on reload. The gateway takes the same decision before it
    /// starts a request's spans, so for its spans this agrees with it; it also decides for any other span of the source.
    /// </summary>
    private sealed class ReloadableSampler : Sampler
    {
        private static readonly SamplingResult Sample = new(SamplingDecision.RecordAndSample);
        private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
        private double _rate = 1.0;

        public void Set(double rate) => Volatile.Write(ref _rate, rate);

        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            TraceSampling.ShouldSample(Volatile.Read(ref _rate), samplingParameters.ParentContext, samplingParameters.TraceId) ? Sample : Drop;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.TelemetryPortInUse, Level = LogLevel.Error,
            Message = "telemetry/opentelemetry: the Prometheus exporter \"{Name}\" cannot listen on {Address}:{Port} ({Reason}); it is left out and the gateway keeps serving")]
        public static partial void PortInUse(ILogger logger, string name, string address, int port, string reason);

        [LoggerMessage(EventId = EventIds.TelemetryExporterFailed, Level = LogLevel.Error, Message = "telemetry/opentelemetry: the {Signal} exporters could not start ({Reason}); the gateway keeps serving without them")]
        public static partial void ExporterFailed(ILogger logger, string signal, string reason);

        [LoggerMessage(EventId = EventIds.TelemetryRuntimeMetrics, Level = LogLevel.Warning, Message = "telemetry/opentelemetry: the Prometheus exporter \"{Name}\" asks for process_metrics/go_metrics, which Cuttle does not export")]
        public static partial void RuntimeMetricsIgnored(ILogger logger, string name);

        [LoggerMessage(EventId = EventIds.TelemetryApplied, Level = LogLevel.Information, Message = "telemetry/opentelemetry: {Prometheus} Prometheus and {Otlp} OTLP exporters, trace sample rate {Rate}")]
        public static partial void Applied(ILogger logger, int prometheus, int otlp, double rate);
    }
}
