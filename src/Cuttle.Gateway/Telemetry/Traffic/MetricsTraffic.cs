using Cuttle.Config.Model;
using Cuttle.Gateway.Telemetry.Stats;

namespace Cuttle.Gateway.Telemetry.Traffic;

/// <summary>
/// The console's figures read from telemetry/metrics instead of its own counters, when that namespace instruments both
/// the router and the backend layers: then the console adds nothing to the request path. Requests and status classes
/// come from the router's status counters, backend calls and errors from the backend layer's four counters (all
/// cumulative); latency from the histograms' samples, which cover the current collection_time window, not a
/// difference of two snapshots.
/// </summary>
public static class MetricsTraffic
{
    /// <summary>True when telemetry/metrics already counts every endpoint and backend.</summary>
    public static bool Covers(GatewayConfig config) => config.Metrics is { RouterDisabled: false, BackendDisabled: false };

    public static TrafficSnapshot Endpoint(StatsCollector collector, EndpointConfig endpoint)
    {
        var name = StatsBuilder.RouterName(endpoint);
        long requests = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s429 = 0, s503 = 0;
        // Generation 0 claims nothing: reading must not keep a pruned counter alive.
        foreach (var (status, counter) in collector.StatusCounters("router.response." + name + ".status.", 0))
        {
            var n = counter.Count;
            requests += n;
            switch (status / 100)
            {
                case 2: s2 += n; break;
                case 3: s3 += n; break;
                case 4: s4 += n; break;
                default: s5 += n; break;
            }
            if (status == 429) s429 += n;
            if (status == 503) s503 += n;
        }
        var latency = new long[TrafficMeter.Buckets];
        AddSample(latency, collector.Get(StatsCollector.Prefix + "router.response." + name + ".time"));
        return new TrafficSnapshot(requests, s5, s2, s3, s4, s5, s429, s503, latency);
    }

    public static TrafficSnapshot Backend(StatsCollector collector, BackendConfig backend, EndpointConfig endpoint)
    {
        var labels = "layer.backend.name." + StatsBuilder.BackendName(backend, endpoint);
        long requests = 0, errors = 0;
        var latency = new long[TrafficMeter.Buckets];
        foreach (var complete in (ReadOnlySpan<string>)["true", "false"])
        {
            foreach (var error in (ReadOnlySpan<string>)["true", "false"])
            {
                var suffix = labels + ".complete." + complete + ".error." + error;
                var n = (collector.Get(StatsCollector.Prefix + "proxy.requests." + suffix) as StatsCounter)?.Count ?? 0;
                requests += n;
                if (error == "true") errors += n;
                AddSample(latency, collector.Get(StatsCollector.Prefix + "proxy.latency." + suffix));
            }
        }
        return new TrafficSnapshot(requests, errors, 0, 0, 0, 0, 0, 0, latency);
    }

    private static void AddSample(long[] latency, object? metric)
    {
        if (metric is not StatsHistogram histogram) return;
        foreach (var ns in histogram.Snapshot().Values) latency[TrafficMeter.Bucket(ns / 1000)]++;
    }
}
