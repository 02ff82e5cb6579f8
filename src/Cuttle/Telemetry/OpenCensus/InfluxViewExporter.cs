using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Cuttle.Config.Model;
using Cuttle.Telemetry.Influx;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Cuttle.Telemetry.OpenCensus;

/// <summary>
/// telemetry/opencensus's influxdb exporter (kpacha/opencensus-influxdb): at every reporting period the gateway's
/// metrics become the points that exporter writes for the ochttp views KrakenD registers: one point per view row,
/// measurement the view's name, tags the row's tags plus "instance" (service_name), fields count for a count view and
/// count, max, mean, min, sum for a distribution, which also gets a "{view}_buckets" point per non-empty bucket (tags
/// bucket, the bucket's upper bound, and instance; field count). Cuttle records krakend-otel's instruments, so the views
/// are derived from them: http.server.duration gives the server's latency (in milliseconds), request_count,
/// request_count_by_method and response_count_by_status_code; http.server.response.size its response_bytes;
/// http.client.duration the client's roundtrip_latency and completed_count; http.client.response.size its
/// received_bytes. The values are cumulative since start, as opencensus's views are. The lines go out through
/// telemetry/influx's writer (the Go client v2's request); a failed write is kept and sent again with the next period
/// (at most buffer_size writes, the oldest dropped), as the Go exporter re-buffers a failed batch.
/// </summary>
internal sealed partial class InfluxViewExporter : BaseExporter<Metric>
{
    /// <summary>Failed writes kept when buffer_size does not say (the Go exporter's default is a million).</summary>
    private const int DefaultBuffer = 100;

    private const string ServerLatency = "opencensus.io/http/server/latency";
    private const string ServerRequestCount = "opencensus.io/http/server/request_count";
    private const string ServerByMethod = "opencensus.io/http/server/request_count_by_method";
    private const string ServerByStatus = "opencensus.io/http/server/response_count_by_status_code";
    private const string ServerResponseBytes = "opencensus.io/http/server/response_bytes";
    private const string ClientLatency = "opencensus.io/http/client/roundtrip_latency";
    private const string ClientCompleted = "opencensus.io/http/client/completed_count";
    private const string ClientReceivedBytes = "opencensus.io/http/client/received_bytes";

    private readonly OcInfluxOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly Uri _uri;
    private readonly AuthenticationHeaderValue? _auth;
    private readonly Queue<string> _pending = new();
    private readonly CancellationTokenSource _stopping = new();

    public InfluxViewExporter(OcInfluxOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { Timeout = options.Timeout };
        _uri = InfluxPusher.WriteUri(options.Address, options.Database);
        _auth = InfluxPusher.BasicAuth(options.Username, options.Password);
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var body = Render(batch);
        if (body.Length > 0) _pending.Enqueue(body);
        var limit = _options.BufferSize > 0 ? _options.BufferSize : DefaultBuffer;
        while (_pending.Count > limit) _pending.Dequeue();
        if (_pending.Count == 0) return ExportResult.Success;
        var all = _pending.Count == 1 ? _pending.Peek() : string.Concat(_pending);
        try
        {
            using var request = InfluxPusher.WriteRequest(_uri, _auth, all);
            using var response = _client.Send(request, _stopping.Token);
            if (!response.IsSuccessStatusCode)
            {
                using var reader = new StreamReader(response.Content.ReadAsStream(_stopping.Token));
                Log.WriteFailed(_logger, $"{(int)response.StatusCode} {reader.ReadToEnd()}".Trim());
                return ExportResult.Failure;
            }
            _pending.Clear();
            return ExportResult.Success;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException)
        {
            Log.WriteFailed(_logger, ex.Message);
            return ExportResult.Failure;
        }
    }

    /// <summary>The lines of one period, the views in a fixed order; empty when no view has a row.</summary>
    internal string Render(in Batch<Metric> batch)
    {
        Distribution? serverLatency = null, serverBytes = null;
        Dictionary<string, long>? byMethod = null, byStatus = null;
        Dictionary<(string, string), Distribution>? clientLatency = null, clientBytes = null;
        var time = 0L;
        foreach (var metric in batch)
        {
            if (metric.MetricType != MetricType.Histogram) continue;
            switch (metric.Name)
            {
                case "http.server.duration":
                    foreach (ref readonly var p in metric.GetMetricPoints())
                    {
                        if (p.GetHistogramCount() == 0) continue;
                        time = Math.Max(time, p.EndTime.ToUnixTimeSeconds());
                        (serverLatency ??= new Distribution()).Add(p, 1000);
                        byMethod ??= new(StringComparer.Ordinal);
                        byStatus ??= new(StringComparer.Ordinal);
                        Tags(p, out var method, out var status);
                        byMethod[method] = byMethod.GetValueOrDefault(method) + p.GetHistogramCount();
                        byStatus[status] = byStatus.GetValueOrDefault(status) + p.GetHistogramCount();
                    }
                    break;
                case "http.server.response.size":
                    foreach (ref readonly var p in metric.GetMetricPoints())
                    {
                        if (p.GetHistogramCount() == 0) continue;
                        time = Math.Max(time, p.EndTime.ToUnixTimeSeconds());
                        (serverBytes ??= new Distribution()).Add(p, 1);
                    }
                    break;
                case "http.client.duration" or "http.client.response.size":
                    var latency = metric.Name == "http.client.duration";
                    foreach (ref readonly var p in metric.GetMetricPoints())
                    {
                        if (p.GetHistogramCount() == 0) continue;
                        time = Math.Max(time, p.EndTime.ToUnixTimeSeconds());
                        Tags(p, out var method, out var status);
                        // ochttp's client reports a failed round trip as status 500; Cuttle's instruments carry 0.
                        if (status == "0") status = "500";
                        var rows = latency ? clientLatency ??= [] : clientBytes ??= [];
                        if (!rows.TryGetValue((method, status), out var d)) rows[(method, status)] = d = new Distribution();
                        d.Add(p, latency ? 1000 : 1);
                    }
                    break;
            }
        }
        var sb = new StringBuilder();
        var ts = time.ToString(CultureInfo.InvariantCulture);
        var instance = ("instance", _options.InstanceName);
        if (serverLatency is not null)
        {
            serverLatency.Write(sb, ServerLatency, [instance], instance, ts);
            InfluxLines.Point(sb, ServerRequestCount, [instance], [("count", InfluxLines.Int(serverLatency.Count))], ts);
            foreach (var (method, count) in Sorted(byMethod!))
                InfluxLines.Point(sb, ServerByMethod, [("http.method", method), instance], [("count", InfluxLines.Int(count))], ts);
            foreach (var (status, count) in Sorted(byStatus!))
                InfluxLines.Point(sb, ServerByStatus, [("http.status", status), instance], [("count", InfluxLines.Int(count))], ts);
        }
        serverBytes?.Write(sb, ServerResponseBytes, [instance], instance, ts);
        if (clientLatency is not null)
        {
            foreach (var ((method, status), d) in Sorted(clientLatency))
            {
                (string, string)[] tags = [("http_client_method", method), ("http_client_status", status), instance];
                d.Write(sb, ClientLatency, tags, instance, ts);
                InfluxLines.Point(sb, ClientCompleted, tags, [("count", InfluxLines.Int(d.Count))], ts);
            }
        }
        if (clientBytes is not null)
        {
            foreach (var ((method, status), d) in Sorted(clientBytes))
                d.Write(sb, ClientReceivedBytes, [("http_client_method", method), ("http_client_status", status), instance], instance, ts);
        }
        return sb.ToString();
    }

    private static void Tags(in MetricPoint p, out string method, out string status)
    {
        method = "";
        status = "";
        foreach (var t in p.Tags)
        {
            if (t.Key == "http.request.method") method = Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "";
            else if (t.Key == "http.response.status_code") status = Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "";
        }
    }

    private static List<KeyValuePair<TKey, TValue>> Sorted<TKey, TValue>(Dictionary<TKey, TValue> rows) where TKey : notnull
    {
        var list = new List<KeyValuePair<TKey, TValue>>(rows);
        list.Sort(static (a, b) => string.CompareOrdinal(a.Key.ToString(), b.Key.ToString()));
        return list;
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        _stopping.Cancel();
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _client.Dispose();
            _stopping.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>A view row's distribution (opencensus's DistributionData), in the view's unit.</summary>
    private sealed class Distribution
    {
        public long Count;
        private double _sum, _min = double.PositiveInfinity, _max = double.NegativeInfinity;
        private readonly List<(double Bound, long Count)> _buckets = [];

        public void Add(in MetricPoint p, double scale)
        {
            Count += p.GetHistogramCount();
            _sum += p.GetHistogramSum() * scale;
            if (p.TryGetHistogramMinMaxValues(out var min, out var max))
            {
                _min = Math.Min(_min, min * scale);
                _max = Math.Max(_max, max * scale);
            }
            var i = 0;
            foreach (var b in p.GetHistogramBuckets())
            {
                if (double.IsPositiveInfinity(b.ExplicitBound)) break; // opencensus writes no point for the overflow bucket
                if (i == _buckets.Count) _buckets.Add((b.ExplicitBound * scale, 0));
                _buckets[i] = (_buckets[i].Bound, _buckets[i].Count + b.BucketCount);
                i++;
            }
        }

        public void Write(StringBuilder sb, string view, (string, string)[] tags, (string, string) instance, string time)
        {
            var mean = Count == 0 ? 0 : _sum / Count;
            InfluxLines.Point(sb, view, tags, [
                ("count", InfluxLines.Int(Count)),
                ("max", InfluxLines.Float(double.IsInfinity(_max) ? 0 : _max)),
                ("mean", InfluxLines.Float(mean)),
                ("min", InfluxLines.Float(double.IsInfinity(_min) ? 0 : _min)),
                ("sum", InfluxLines.Float(_sum)),
            ], time);
            foreach (var (bound, count) in _buckets)
            {
                if (count != 0)
                    InfluxLines.Point(sb, view + "_buckets", [("bucket", bound.ToString("F0", CultureInfo.InvariantCulture)), instance], [("count", InfluxLines.Int(count))], time);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = Diagnostics.EventIds.OpenCensusInfluxWriteFailed, Level = LogLevel.Error, Message = "Error when uploading stats to Influx: {Error}")]
        public static partial void WriteFailed(ILogger logger, string error);
    }
}
