using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Cuttle.Gateway.Telemetry.Stats;

namespace Cuttle.Telemetry.Influx;

/// <summary>
/// krakend-influx's points (counter/, gauge/ and histogram/ packages) in InfluxDB 1.x line protocol at precision "s":
/// measurements requests, responses, router, router.response-size|time, debug, runtime and the GC pause histograms,
/// tagged with the host name and the parts krakend-influx's patterns take from each metric name. A counter point
/// carries its total and the increase since the previous push (krakend-influx keeps the last totals per process, as
/// this instance does for the host's life). Tags and fields are sorted by key, as the Go client's models package
/// writes them; integers carry the "i" suffix.
/// </summary>
internal sealed partial class InfluxLines(string hostname)
{
    private readonly Dictionary<string, long> _lastRequests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastResponses = new(StringComparer.Ordinal);

    [GeneratedRegex(@"krakend\.proxy\.requests\.layer\.([a-zA-Z]+)\.name\.(.*)\.complete\.(true|false)\.error\.(true|false)")]
    private static partial Regex RequestCounter();

    [GeneratedRegex(@"krakend\.router\.response\.(.*)\.status\.([\d]{3})\.count")]
    private static partial Regex ResponseCounter();

    [GeneratedRegex(@"krakend\.proxy\.latency\.layer\.([a-zA-Z]+)\.name\.(.*)\.complete\.(true|false)\.error\.(true|false)")]
    private static partial Regex Latency();

    [GeneratedRegex(@"krakend\.router\.response\.(.*)\.(size|time)")]
    private static partial Regex RouterHistogram();

    private static readonly (double P, string Key)[] Percentiles =
        [(0.1, "p0.1"), (0.25, "p0.25"), (0.5, "p0.5"), (0.75, "p0.75"), (0.9, "p0.9"), (0.95, "p0.95"), (0.99, "p0.99")];

    /// <summary>The body of one write, or null when the snapshot has no counters and no gauges (krakend-influx sends nothing then).</summary>
    public string? Render(StatsSnapshot snapshot)
    {
        if (snapshot.Counters.Count == 0 && snapshot.Gauges.Count == 0) return null;
        var time = snapshot.Time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        Counters(sb, snapshot, time);
        Gauges(sb, snapshot, time);
        Histograms(sb, snapshot, time);
        return sb.ToString();
    }

    private void Counters(StringBuilder sb, StatsSnapshot snapshot, string time)
    {
        long connected = 0, connectedTotal = 0, disconnected = 0, disconnectedTotal = 0;
        foreach (var (name, count) in snapshot.Counters)
        {
            if (RequestCounter().Match(name) is { Success: true } rq)
            {
                var key = string.Join('.', rq.Groups[1].Value, rq.Groups[2].Value, rq.Groups[3].Value, rq.Groups[4].Value);
                var last = _lastRequests.GetValueOrDefault(key);
                _lastRequests[key] = count;
                Point(sb, "requests", [("complete", rq.Groups[3].Value), ("error", rq.Groups[4].Value), ("host", hostname), ("layer", rq.Groups[1].Value), ("name", rq.Groups[2].Value)],
                    [("count", Int(count - last)), ("total", Int(count))], time);
            }
            else if (ResponseCounter().Match(name) is { Success: true } rs)
            {
                var key = rs.Groups[1].Value + "." + rs.Groups[2].Value;
                var last = _lastResponses.GetValueOrDefault(key);
                _lastResponses[key] = count;
                Point(sb, "responses", [("host", hostname), ("name", rs.Groups[1].Value), ("status", rs.Groups[2].Value)],
                    [("count", Int(count - last)), ("total", Int(count))], time);
            }
            switch (name)
            {
                case "krakend.router.connected": connected = count; break;
                case "krakend.router.connected-total": connectedTotal = count; break;
                case "krakend.router.disconnected": disconnected = count; break;
                case "krakend.router.disconnected-total": disconnectedTotal = count; break;
            }
        }
        Point(sb, "router", [("direction", "in"), ("host", hostname)], [("current", Int(connected)), ("total", Int(connectedTotal))], time);
        Point(sb, "router", [("direction", "out"), ("host", hostname)], [("current", Int(disconnected)), ("total", Int(disconnectedTotal))], time);
    }

    private void Gauges(StringBuilder sb, StatsSnapshot snapshot, string time)
    {
        long connected = 0, disconnected = 0;
        var debug = new List<(string, string)>();
        var runtime = new List<(string, string)>();
        foreach (var (name, value) in snapshot.Gauges)
        {
            if (name == "krakend.router.connected-gauge") connected = value;
            else if (name == "krakend.router.disconnected-gauge") disconnected = value;
            else if (name.StartsWith("krakend.service.debug.", StringComparison.Ordinal)) debug.Add((name["krakend.service.debug.".Length..], Int(value)));
            else if (name.StartsWith("krakend.service.runtime.", StringComparison.Ordinal)) runtime.Add((name["krakend.service.runtime.".Length..], Int(value)));
        }
        Point(sb, "router", [("direction", "in"), ("host", hostname)], [("gauge", Int(connected))], time);
        Point(sb, "router", [("direction", "out"), ("host", hostname)], [("gauge", Int(disconnected))], time);
        // The Go client refuses a point without fields; krakend-influx then logs and sends the rest.
        if (debug.Count > 0) Point(sb, "debug", [("host", hostname)], [.. debug], time);
        if (runtime.Count > 0) Point(sb, "runtime", [("host", hostname)], [.. runtime], time);
    }

    private void Histograms(StringBuilder sb, StatsSnapshot snapshot, string time)
    {
        foreach (var (name, h) in snapshot.Histograms)
        {
            if (Empty(h)) continue;
            if (Latency().Match(name) is { Success: true } l)
                Point(sb, "requests", [("complete", l.Groups[3].Value), ("error", l.Groups[4].Value), ("host", hostname), ("layer", l.Groups[1].Value), ("name", l.Groups[2].Value)], Fields(h), time);
            else if (RouterHistogram().Match(name) is { Success: true } r)
                Point(sb, "router.response-" + r.Groups[2].Value, [("host", hostname), ("name", r.Groups[1].Value)], Fields(h), time);
            else if (name is "krakend.service.debug.GCStats.Pause" or "krakend.service.runtime.MemStats.PauseNs")
                Point(sb, name["krakend.".Length..], [("host", hostname)], Fields(h), time);
        }
    }

    /// <summary>krakend-influx's isEmpty: every figure zero.</summary>
    private static bool Empty(HistogramSnapshot h) =>
        h.Max == 0 && h.Min == 0 && h.Mean == 0 && h.StdDev == 0 && h.Variance == 0 && h.Percentile(0.1) == 0 && h.Percentile(0.99) == 0;

    /// <summary>krakend-influx's newFields: the moments truncated to integers, the seven percentiles as floats.</summary>
    private static (string, string)[] Fields(HistogramSnapshot h)
    {
        var fields = new List<(string, string)>
        {
            ("max", Int(h.Max)), ("mean", Int((long)h.Mean)), ("min", Int(h.Min)), ("stddev", Int((long)h.StdDev)), ("variance", Int((long)h.Variance)),
        };
        foreach (var (p, key) in Percentiles) fields.Add((key, Float(h.Percentile(p))));
        fields.Sort(static (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return [.. fields];
    }

    internal static string Int(long v) => v.ToString(CultureInfo.InvariantCulture) + "i";

    /// <summary>Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest exact form, never an exponent.</summary>
    internal static string Float(double v)
    {
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E', StringComparison.Ordinal) && Math.Abs(v) < 7.9e28) s = ((decimal)v).ToString(CultureInfo.InvariantCulture);
        return s;
    }

    /// <summary>One line: the measurement, its tags in the order given (empty values left out), its fields, the time.</summary>
    internal static void Point(StringBuilder sb, string measurement, (string Key, string Value)[] tags, (string Key, string Value)[] fields, string time)
    {
        Escape(sb, measurement, measurement: true);
        foreach (var (k, v) in tags)
        {
            if (v.Length == 0) continue; // the Go client leaves empty tag values out
            sb.Append(',');
            Escape(sb, k);
            sb.Append('=');
            Escape(sb, v);
        }
        var first = true;
        foreach (var (k, v) in fields)
        {
            sb.Append(first ? ' ' : ',');
            first = false;
            Escape(sb, k);
            sb.Append('=').Append(v);
        }
        sb.Append(' ').Append(time).Append('\n');
    }

    /// <summary>Line protocol escaping: commas and spaces in a measurement; commas, equals signs and spaces in keys and tag values.</summary>
    private static void Escape(StringBuilder sb, string s, bool measurement = false)
    {
        foreach (var c in s)
        {
            if (c is ',' or ' ' || (!measurement && c == '=')) sb.Append('\\');
            sb.Append(c);
        }
    }
}
