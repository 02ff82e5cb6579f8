using Cuttle.Config.Model;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cuttle.Telemetry.OpenCensus;

/// <summary>
/// Adds telemetry/opencensus's jaeger, zipkin, logger and influxdb exporters to the providers <c>TelemetryHost</c> builds, so
/// that they receive the same spans and metrics as the telemetry/opentelemetry exporters. The trace exporters sit
/// behind bounded batch processors (the excess of a full queue dropped) that export on their own thread every second,
/// the Go exporters' bundling delay; the logger's and influxdb's metrics are read every reporting_period.
/// </summary>
internal static partial class OpenCensusExporters
{
    /// <summary>Spans a trace exporter holds in memory when buffer_max_count does not say.</summary>
    private const int DefaultQueue = 2048;

    public static bool AddTraces(TracerProviderBuilder tracers, OpenTelemetryOptions options, ILogger logger)
    {
        // influxdb alone exports no spans: no trace provider for it.
        if (options.OpenCensus is not { } oc || (oc.Jaeger is null && oc.Zipkin is null && !oc.Logger)) return false;
        if (oc.Jaeger is { } jaeger)
        {
            var queue = jaeger.BufferMaxCount > 0 ? jaeger.BufferMaxCount : DefaultQueue;
            tracers.AddProcessor(new BatchActivityExportProcessor(new JaegerExporter(jaeger, logger), queue, 1000, 10000, Math.Min(queue, 512)));
        }
        if (oc.Zipkin is { } zipkin)
        {
            // service.name of the provider's resource is the local endpoint's name (the binder put zipkin's service_name there).
            // The package is marked obsolete in favour of OTLP, but a Zipkin collector speaks only its own JSON API.
#pragma warning disable CS0618
            tracers.AddZipkinExporter(z =>
            {
                z.Endpoint = new Uri(zipkin.CollectorUrl);
                z.BatchExportProcessorOptions = new BatchExportActivityProcessorOptions { MaxQueueSize = DefaultQueue, MaxExportBatchSize = 512, ScheduledDelayMilliseconds = 1000, ExporterTimeoutMilliseconds = 10000 };
            });
#pragma warning restore CS0618
        }
        if (oc.Logger)
            tracers.AddProcessor(new BatchActivityExportProcessor(new LogSpanExporter(logger), DefaultQueue, 1000, 10000, 512));
        Log.Applied(logger, oc.Jaeger is null ? "-" : oc.Jaeger.Endpoint.Length > 0 ? oc.Jaeger.Endpoint : "udp://" + oc.Jaeger.AgentEndpoint,
            oc.Zipkin?.CollectorUrl ?? "-", oc.Logger);
        return true;
    }

    public static bool AddMetrics(MeterProviderBuilder meters, OpenTelemetryOptions options, ILogger logger)
    {
        if (options.OpenCensus is not { } oc || (!oc.Logger && oc.InfluxDb is null)) return false;
        var period = Math.Max(1, options.MetricReportingPeriod) * 1000;
        if (oc.Logger) meters.AddReader(new PeriodicExportingMetricReader(new LogMetricExporter(logger), period));
        if (oc.InfluxDb is { } influx)
        {
            meters.AddReader(new PeriodicExportingMetricReader(new InfluxViewExporter(influx, logger), period));
            Log.InfluxStarted(logger, influx.Address, influx.Database, period / 1000);
        }
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = Diagnostics.EventIds.OpenCensusApplied, Level = LogLevel.Information,
            Message = "telemetry/opencensus: jaeger {Jaeger}, zipkin {Zipkin}, logger {LoggerOn}")]
        public static partial void Applied(ILogger logger, string jaeger, string zipkin, bool loggerOn);

        [LoggerMessage(EventId = Diagnostics.EventIds.OpenCensusInfluxStarted, Level = LogLevel.Information,
            Message = "telemetry/opencensus: writing the views to InfluxDB at {Address} (db {Database}) every {Period}s")]
        public static partial void InfluxStarted(ILogger logger, string address, string database, int period);
    }
}
