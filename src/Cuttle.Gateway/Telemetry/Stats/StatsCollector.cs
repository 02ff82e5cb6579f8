using System.Diagnostics;

namespace Cuttle.Gateway.Telemetry.Stats;

/// <summary>
/// krakend-metrics' collector: one go-metrics registry under the "krakend." prefix, the router's connection counters
/// and the collection ticker. The host keeps one per process and hands it to every generation, so an instrument whose
/// KrakenD name a reload keeps is the same object before and after it: counters never go back to zero on a reload
/// (what a Prometheus-style scraper of /__stats expects), and the request path holds direct references resolved when
/// the generation was built. Names the live configuration no longer has are dropped at the swap (<see cref="Prune"/>),
/// so 200 reloads leave the registry the size of the live configuration.
/// Registration takes a lock (build time only); updates are lock-free (<see cref="StatsCounter"/>, <see cref="StatsHistogram"/>).
/// </summary>
public sealed class StatsCollector : IDisposable
{
    /// <summary>krakend-metrics: metrics.NewPrefixedRegistry("krakend.").</summary>
    public const string Prefix = "krakend.";

    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private ITimer? _timer;
    private TimeSpan _period;

    private sealed class Entry(object metric, long generation)
    {
        public object Metric { get; } = metric;
        public long Generation { get; set; } = generation;
    }

    // Registered for the collector's lifetime, whatever the configuration (krakend-metrics' NewRouterMetrics).
    private const long Permanent = long.MaxValue;

    public StatsCollector(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Connected = Counter("router.connected", Permanent);
        Disconnected = Counter("router.disconnected", Permanent);
        ConnectedTotal = Counter("router.connected-total", Permanent);
        DisconnectedTotal = Counter("router.disconnected-total", Permanent);
        ConnectedGauge = Gauge("router.connected-gauge", Permanent);
        DisconnectedGauge = Gauge("router.disconnected-gauge", Permanent);
        Service = new ServiceStats(this);
    }

    /// <summary>Requests that entered an instrumented endpoint since the last collection (krakend-metrics counts a
    /// "connection" per request, not per TCP connection).</summary>
    public StatsCounter Connected { get; }
    public StatsCounter Disconnected { get; }
    public StatsCounter ConnectedTotal { get; }
    public StatsCounter DisconnectedTotal { get; }
    public StatsGauge ConnectedGauge { get; }
    public StatsGauge DisconnectedGauge { get; }

    internal ServiceStats Service { get; }

    internal TimeProvider Time => _time;

    /// <summary>How many metrics the registry holds (a histogram is one).</summary>
    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    /// <summary>The counter registered under "krakend." + <paramref name="name"/>, created if absent.</summary>
    internal StatsCounter Counter(string name, long generation) => GetOrAdd(name, generation, static () => new StatsCounter());

    internal StatsHistogram Histogram(string name, long generation) => GetOrAdd(name, generation, static () => new StatsHistogram());

    internal StatsGauge Gauge(string name, long generation) => GetOrAdd(name, generation, static () => new StatsGauge());

    private T GetOrAdd<T>(string name, long generation, Func<T> create) where T : class
    {
        var full = Prefix + name;
        lock (_lock)
        {
            if (_entries.TryGetValue(full, out var entry))
            {
                if (entry.Generation < generation) entry.Generation = generation;
                // go-metrics' GetOrRegister returns whatever is registered under the name; KrakenD's names never clash
                // between kinds, so a mismatch is a bug here, not a configuration error.
                return entry.Metric as T ?? throw new InvalidOperationException($"stats metric {full} is a {entry.Metric.GetType().Name}");
            }
            var metric = create();
            _entries[full] = new Entry(metric, generation);
            return metric;
        }
    }

    /// <summary>
    /// The counters already registered as "krakend." + prefix + &lt;code&gt; + ".count", claimed for
    /// <paramref name="generation"/>: the status counters an earlier generation created on first use, which a new
    /// generation takes over at build time so the prune at its swap keeps them.
    /// </summary>
    internal List<(int Status, StatsCounter Counter)> StatusCounters(string prefix, long generation)
    {
        var full = Prefix + prefix;
        var found = new List<(int, StatsCounter)>();
        lock (_lock)
        {
            foreach (var (name, entry) in _entries)
            {
                if (entry.Metric is not StatsCounter counter || !name.StartsWith(full, StringComparison.Ordinal) || !name.EndsWith(".count", StringComparison.Ordinal))
                    continue;
                var code = name.AsSpan(full.Length, name.Length - full.Length - ".count".Length);
                if (!int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status))
                    continue;
                if (entry.Generation < generation) entry.Generation = generation;
                found.Add((status, counter));
            }
        }
        return found;
    }

    /// <summary>The metric registered under the full name ("krakend.…"), or null.</summary>
    public object? Get(string fullName)
    {
        lock (_lock) return _entries.TryGetValue(fullName, out var e) ? e.Metric : null;
    }

    /// <summary>
    /// Drops every metric no generation from <paramref name="liveGeneration"/> on resolved: the names a reload
    /// removed. The old generation may still finish requests into them; they are simply no longer listed.
    /// </summary>
    public void Prune(long liveGeneration)
    {
        lock (_lock)
        {
            List<string>? stale = null;
            foreach (var (name, entry) in _entries)
            {
                if (entry.Generation < liveGeneration) (stale ??= []).Add(name);
            }
            if (stale is not null) foreach (var name in stale) _entries.Remove(name);
        }
    }

    /// <summary>
    /// Starts (or re-times) the collection ticker; a period unchanged by a reload keeps the running ticker, so a reload
    /// does not reset the window the histograms cover.
    /// </summary>
    public void Start(TimeSpan collectionTime)
    {
        lock (_lock)
        {
            if (_timer is not null && _period == collectionTime) return;
            _timer?.Dispose();
            _period = collectionTime;
            _timer = _time.CreateTimer(static s => ((StatsCollector)s!).Collect(), this, collectionTime, collectionTime);
        }
    }

    /// <summary>Stops the ticker (the configuration no longer has telemetry/metrics).</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _period = default;
        }
    }

    /// <summary>
    /// One tick of krakend-metrics' processMetrics: capture the runtime figures, move the router's per-period
    /// connection counts into their gauges and totals (RouterMetrics.Aggregate), and clear every histogram
    /// (TakeSnapshot, which go-metrics' exp handler then reads as empty until new values arrive).
    /// </summary>
    public void Collect()
    {
        Service.Capture();
        var con = Connected.TakeAndClear();
        ConnectedGauge.Update(con);
        ConnectedTotal.Inc(con);
        var dis = Disconnected.TakeAndClear();
        DisconnectedGauge.Update(dis);
        DisconnectedTotal.Inc(dis);
        var keep = KeepSnapshots;
        var entries = Entries();
        var snapshot = keep ? new StatsSnapshot(_time.GetUtcNow()) : null;
        foreach (var (name, metric) in entries)
        {
            switch (metric)
            {
                case StatsHistogram h:
                    snapshot?.Histograms.Add(new(name, h.Snapshot()));
                    h.Clear();
                    break;
                case StatsCounter c when snapshot is not null:
                    snapshot.Counters.Add(new(name, c.Count));
                    break;
                case StatsGauge g when snapshot is not null:
                    snapshot.Gauges.Add(new(name, g.Value));
                    break;
            }
        }
        if (snapshot is not null) Volatile.Write(ref _latest, snapshot);
    }

    private StatsSnapshot? _latest;

    /// <summary>
    /// Whether each collection keeps what it saw (krakend-metrics' TakeSnapshot, read by krakend-influx): on only while
    /// something reads <see cref="LatestSnapshot"/>, so /__stats alone pays nothing for it.
    /// </summary>
    public bool KeepSnapshots { get; set; }

    /// <summary>The registry as the last collection saw it (histograms before they were cleared); null before the first.</summary>
    public StatsSnapshot? LatestSnapshot => Volatile.Read(ref _latest);

    /// <summary>A copy of the registry's entries, sorted by name (ordinal, as Go's expvar sorts its keys).</summary>
    internal List<KeyValuePair<string, object>> Entries()
    {
        List<KeyValuePair<string, object>> list;
        lock (_lock)
        {
            list = new List<KeyValuePair<string, object>>(_entries.Count);
            foreach (var (name, entry) in _entries) list.Add(new(name, entry.Metric));
        }
        list.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return list;
    }

    /// <summary>The /__stats body: go-metrics' exp handler output (see <see cref="ExpvarWriter"/>).</summary>
    public string RenderJson() => ExpvarWriter.Render(this);

    public void Dispose() => Stop();

    /// <summary>
    /// go-metrics' RegisterRuntimeMemStats and RegisterDebugGCStats under "krakend.service.", limited to the figures
    /// .NET has a counterpart for (heap and allocation bytes, collections, pause time, threads); like KrakenD they
    /// are captured at each collection, and read 0 before the first.
    /// </summary>
    internal sealed class ServiceStats
    {
        private readonly StatsGauge _alloc, _heapAlloc, _heapSys, _sys, _totalAlloc, _numGc, _pauseTotalNs, _numThread, _gcNum, _gcPauseTotal;

        public ServiceStats(StatsCollector c)
        {
            _alloc = c.Gauge("service.runtime.MemStats.Alloc", Permanent);
            _heapAlloc = c.Gauge("service.runtime.MemStats.HeapAlloc", Permanent);
            _heapSys = c.Gauge("service.runtime.MemStats.HeapSys", Permanent);
            _sys = c.Gauge("service.runtime.MemStats.Sys", Permanent);
            _totalAlloc = c.Gauge("service.runtime.MemStats.TotalAlloc", Permanent);
            _numGc = c.Gauge("service.runtime.MemStats.NumGC", Permanent);
            _pauseTotalNs = c.Gauge("service.runtime.MemStats.PauseTotalNs", Permanent);
            _numThread = c.Gauge("service.runtime.NumThread", Permanent);
            _gcNum = c.Gauge("service.debug.GCStats.NumGC", Permanent);
            _gcPauseTotal = c.Gauge("service.debug.GCStats.PauseTotal", Permanent);
        }

        public void Capture()
        {
            var info = GC.GetGCMemoryInfo();
            var heap = GC.GetTotalMemory(false);
            var collections = (long)GC.CollectionCount(0);
            var pauseNs = (long)(GC.GetTotalPauseDuration().Ticks * 100);
            _alloc.Update(heap);
            _heapAlloc.Update(heap);
            _heapSys.Update(info.TotalCommittedBytes);
            _sys.Update(Environment.WorkingSet);
            _totalAlloc.Update(GC.GetTotalAllocatedBytes());
            _numGc.Update(collections);
            _pauseTotalNs.Update(pauseNs);
            _numThread.Update(ThreadCount());
            _gcNum.Update(collections);
            _gcPauseTotal.Update(pauseNs);
        }

        private static long ThreadCount()
        {
            using var process = Process.GetCurrentProcess();
            return process.Threads.Count;
        }
    }
}
