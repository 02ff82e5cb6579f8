namespace Cuttle.Gateway.Telemetry.Traffic;

/// <summary>
/// The console's per-endpoint and per-backend counters. The host keeps one per process and hands it to a generation
/// only while the console is on (<see cref="GenerationOptions.Traffic"/>); without it the builder adds no wrapper, so
/// a gateway without the console pays nothing. Like the telemetry/metrics collector, a meter whose key a reload keeps
/// is the same object before and after it (numbers do not drop to zero on a reload), and keys the live configuration
/// no longer has are dropped at the swap (<see cref="Prune"/>). Registration takes a lock (build time only); recording
/// is lock-free.
/// </summary>
public sealed class TrafficRegistry
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _backends = new(StringComparer.Ordinal);

    private sealed class Entry(TrafficMeter meter, long generation)
    {
        public TrafficMeter Meter { get; } = meter;
        public long Generation { get; set; } = generation;
    }

    internal TrafficMeter Endpoint(string key, long generation) => GetOrAdd(_endpoints, key, generation);

    internal TrafficMeter Backend(string key, long generation) => GetOrAdd(_backends, key, generation);

    private TrafficMeter GetOrAdd(Dictionary<string, Entry> map, string key, long generation)
    {
        lock (_lock)
        {
            if (map.TryGetValue(key, out var entry))
            {
                if (entry.Generation < generation) entry.Generation = generation;
                return entry.Meter;
            }
            var meter = new TrafficMeter();
            map[key] = new Entry(meter, generation);
            return meter;
        }
    }

    /// <summary>Drops the meters no generation from <paramref name="liveGeneration"/> on asked for.</summary>
    public void Prune(long liveGeneration)
    {
        lock (_lock)
        {
            PruneMap(_endpoints, liveGeneration);
            PruneMap(_backends, liveGeneration);
        }
    }

    private static void PruneMap(Dictionary<string, Entry> map, long live)
    {
        List<string>? stale = null;
        foreach (var (key, entry) in map) if (entry.Generation < live) (stale ??= []).Add(key);
        if (stale is not null) foreach (var key in stale) map.Remove(key);
    }

    /// <summary>Snapshots of every endpoint meter, by key (<see cref="TrafficKeys.Endpoint"/>).</summary>
    public Dictionary<string, TrafficSnapshot> Endpoints() => Snapshot(_endpoints);

    /// <summary>Snapshots of every backend meter, by key (<see cref="TrafficKeys.Backend"/>).</summary>
    public Dictionary<string, TrafficSnapshot> Backends() => Snapshot(_backends);

    private Dictionary<string, TrafficSnapshot> Snapshot(Dictionary<string, Entry> map)
    {
        List<KeyValuePair<string, TrafficMeter>> meters;
        lock (_lock)
        {
            meters = new(map.Count);
            foreach (var (key, entry) in map) meters.Add(new(key, entry.Meter));
        }
        var result = new Dictionary<string, TrafficSnapshot>(meters.Count, StringComparer.Ordinal);
        foreach (var (key, meter) in meters) result[key] = meter.Snapshot();
        return result;
    }
}

/// <summary>How the console names an endpoint's and a backend's meters (the host looks them up with the same keys).</summary>
public static class TrafficKeys
{
    public static string Endpoint(Config.Model.EndpointConfig endpoint) => endpoint.Method + " " + endpoint.Endpoint;

    public static string Backend(Config.Model.EndpointConfig endpoint, int index)
        => Endpoint(endpoint) + " #" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
