using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Cuttle.Telemetry.OpenCensus;

/// <summary>
/// telemetry/opencensus's logger exporter (krakend-opencensus exporter/logging.go): every sampled span is one debug
/// line, its name then the span data; at every reporting period each metric with data is one debug line (the view)
/// followed by one per row (its tags and aggregate), as the Go exporter passes its view.Data and rows to the logger.
/// The Go logger prints the structs with fmt; here the same fields are written as Go's %+v would name them
/// (SpanContext, ParentSpanID, SpanKind, StartTime, EndTime, Attributes, Annotations, Status, Links). Nothing is
/// formatted unless the logger writes debug lines.
/// </summary>
internal sealed partial class LogSpanExporter(ILogger logger) : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return ExportResult.Success;
        var sb = new StringBuilder(512);
        foreach (var a in batch)
        {
            if ((a.ActivityTraceFlags & ActivityTraceFlags.Recorded) == 0) continue;
            sb.Clear();
            sb.Append("{SpanContext:{TraceID:").Append(a.TraceId.ToHexString())
                .Append(" SpanID:").Append(a.SpanId.ToHexString())
                .Append(" TraceOptions:").Append((int)a.ActivityTraceFlags)
                .Append("} ParentSpanID:").Append(a.ParentSpanId == default ? "0000000000000000" : a.ParentSpanId.ToHexString())
                .Append(" SpanKind:").Append(a.Kind switch { ActivityKind.Server => 1, ActivityKind.Client => 2, _ => 0 })
                .Append(" Name:").Append(a.DisplayName)
                .Append(" StartTime:").Append(GoTime(a.StartTimeUtc))
                .Append(" EndTime:").Append(GoTime(a.StartTimeUtc + a.Duration))
                .Append(" Attributes:map[");
            var first = true;
            foreach (var t in a.TagObjects)
            {
                if (t.Value is null) continue;
                if (!first) sb.Append(' ');
                first = false;
                sb.Append(t.Key).Append(':').Append(Text(t.Value));
            }
            sb.Append("] Annotations:[");
            first = true;
            foreach (var e in a.Events)
            {
                if (!first) sb.Append(' ');
                first = false;
                sb.Append("{Time:").Append(GoTime(e.Timestamp.UtcDateTime)).Append(" Message:").Append(e.Name).Append('}');
            }
            sb.Append("] Status:{Code:").Append(a.Status == ActivityStatusCode.Error ? 2 : 0)
                .Append(" Message:").Append(a.StatusDescription).Append("} Links:[");
            first = true;
            foreach (var l in a.Links)
            {
                if (!first) sb.Append(' ');
                first = false;
                sb.Append("{TraceID:").Append(l.Context.TraceId.ToHexString()).Append(" SpanID:").Append(l.Context.SpanId.ToHexString()).Append('}');
            }
            sb.Append("] HasRemoteParent:").Append(a.HasRemoteParent ? "true" : "false").Append('}');
            Log.Span(logger, a.DisplayName, sb.ToString());
        }
        return ExportResult.Success;
    }

    internal static string GoTime(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + " +0000 UTC";

    internal static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = Diagnostics.EventIds.OpenCensusSpan, Level = LogLevel.Debug, Message = "{Name} {Span}")]
        public static partial void Span(ILogger logger, string name, string span);
    }
}

/// <summary>The metric half of the logger exporter: a view line, then a line per row, for every metric with rows.</summary>
internal sealed partial class LogMetricExporter(ILogger logger) : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return ExportResult.Success;
        var sb = new StringBuilder(256);
        foreach (var metric in batch)
        {
            var rows = 0;
            DateTimeOffset start = default, end = default;
            foreach (ref readonly var p in metric.GetMetricPoints())
            {
                if (rows++ == 0) { start = p.StartTime; end = p.EndTime; }
            }
            if (rows == 0) continue; // the Go exporter skips a view with no rows
            Log.View(logger, metric.Name, $"{{View:{{Name:{metric.Name} Description:{metric.Description} Unit:{metric.Unit}}} Rows:{rows} Start:{LogSpanExporter.GoTime(start.UtcDateTime)} End:{LogSpanExporter.GoTime(end.UtcDateTime)}}}");
            foreach (ref readonly var p in metric.GetMetricPoints())
            {
                sb.Clear().Append("{Tags:[");
                var first = true;
                foreach (var t in p.Tags)
                {
                    if (!first) sb.Append(' ');
                    first = false;
                    sb.Append("{Key:").Append(t.Key).Append(" Value:").Append(t.Value is null ? "" : LogSpanExporter.Text(t.Value)).Append('}');
                }
                sb.Append("] Data:");
                Data(sb, metric.MetricType, p);
                sb.Append('}');
                Log.Row(logger, metric.Name, sb.ToString());
            }
        }
        return ExportResult.Success;
    }

    private static void Data(StringBuilder sb, MetricType type, in MetricPoint p)
    {
        var c = CultureInfo.InvariantCulture;
        switch (type)
        {
            case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                sb.Append("&{Value:").Append(p.GetSumLong().ToString(c)).Append('}');
                break;
            case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                sb.Append("&{Value:").Append(p.GetSumDouble().ToString(c)).Append('}');
                break;
            case MetricType.LongGauge:
                sb.Append("&{Value:").Append(p.GetGaugeLastValueLong().ToString(c)).Append('}');
                break;
            case MetricType.DoubleGauge:
                sb.Append("&{Value:").Append(p.GetGaugeLastValueDouble().ToString(c)).Append('}');
                break;
            case MetricType.Histogram:
                var count = p.GetHistogramCount();
                var sum = p.GetHistogramSum();
                sb.Append("&{Count:").Append(count.ToString(c));
                if (p.TryGetHistogramMinMaxValues(out var min, out var max))
                    sb.Append(" Min:").Append(min.ToString(c)).Append(" Max:").Append(max.ToString(c));
                sb.Append(" Mean:").Append((count == 0 ? 0 : sum / count).ToString(c)).Append(" CountPerBucket:[");
                var first = true;
                foreach (var bucket in p.GetHistogramBuckets())
                {
                    if (!first) sb.Append(' ');
                    first = false;
                    sb.Append(bucket.BucketCount.ToString(c));
                }
                sb.Append("]}");
                break;
            default:
                sb.Append("&{}");
                break;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = Diagnostics.EventIds.OpenCensusView, Level = LogLevel.Debug, Message = "{Name} {View}")]
        public static partial void View(ILogger logger, string name, string view);

        [LoggerMessage(EventId = Diagnostics.EventIds.OpenCensusViewRow, Level = LogLevel.Debug, Message = "{Name} {Row}")]
        public static partial void Row(ILogger logger, string name, string row);
    }
}
