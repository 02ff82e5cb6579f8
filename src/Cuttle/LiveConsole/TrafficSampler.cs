using Cuttle.Config.Model;
using Cuttle.Gateway;
using Cuttle.Gateway.Telemetry.Stats;
using Cuttle.Gateway.Telemetry.Traffic;

namespace Cuttle.LiveConsole;

/// <summary>
/// Turns the console's cumulative counters into live figures: once a second (only while the console is on) it keeps a
/// snapshot, and a view compares the counters now with the oldest snapshot of the last <see cref="Window"/>, so rates,
/// error rates and percentiles describe the last few seconds while totals count since start. Nothing here runs on the
/// request path. When telemetry/metrics instruments the router and backend layers, the figures come from its collector
/// instead (<see cref="MetricsTraffic"/>) and the console's own counters are not built at all.
/// </summary>
internal sealed class TrafficSampler : IDisposable
{
    /// <summary>The interval live figures cover.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private readonly TrafficRegistry _registry;
    private readonly StatsCollector? _metrics;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private readonly Queue<Sample> _samples = new();
    private ITimer? _timer;

    private sealed record Sample(long Timestamp, Dictionary<string, TrafficSnapshot> Endpoints, Dictionary<string, TrafficSnapshot> Backends, bool FromMetrics);

    public TrafficSampler(TrafficRegistry registry, StatsCollector? metrics, TimeProvider time)
    {
        _registry = registry;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>The live generation (set once the server runs).</summary>
    public Func<Generation>? Live { get; set; }

    /// <summary>True when <paramref name="config"/>'s figures come from telemetry/metrics.</summary>
    public bool ReadsMetrics(GatewayConfig config) => _metrics is not null && MetricsTraffic.Covers(config);

    public void Start()
    {
        lock (_lock)
        {
            if (_timer is not null) return;
            _samples.Clear();
            Take();
            _timer = _time.CreateTimer(static s => ((TrafficSampler)s!).Tick(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    public void Stop()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _samples.Clear();
        }
    }

    private void Tick()
    {
        lock (_lock)
        {
            if (_timer is null) return;
            Take();
            // Keep one sample older than the window, so a view always has a baseline that covers all of it.
            while (_samples.Count > 2 && _time.GetElapsedTime(_samples.ElementAt(1).Timestamp) >= Window) _samples.Dequeue();
        }
    }

    private void Take()
    {
        if (Live?.Invoke() is { } live) _samples.Enqueue(Now(live.Config));
    }

    private Sample Now(GatewayConfig config)
    {
        if (!ReadsMetrics(config)) return new Sample(_time.GetTimestamp(), _registry.Endpoints(), _registry.Backends(), false);
        var endpoints = new Dictionary<string, TrafficSnapshot>(StringComparer.Ordinal);
        var backends = new Dictionary<string, TrafficSnapshot>(StringComparer.Ordinal);
        foreach (var endpoint in config.Endpoints)
        {
            endpoints[TrafficKeys.Endpoint(endpoint)] = MetricsTraffic.Endpoint(_metrics!, endpoint);
            for (var i = 0; i < endpoint.Backend.Length; i++)
                backends[TrafficKeys.Backend(endpoint, i)] = MetricsTraffic.Backend(_metrics!, endpoint.Backend[i], endpoint);
        }
        return new Sample(_time.GetTimestamp(), endpoints, backends, true);
    }

    public TrafficView View(Generation generation)
    {
        Sample? baseline;
        lock (_lock)
        {
            baseline = null;
            foreach (var s in _samples)
            {
                if (_time.GetElapsedTime(s.Timestamp) >= Window || baseline is null) baseline = s;
                else break;
            }
        }
        var now = Now(generation.Config);
        // A reload that switched the source (telemetry/metrics added or removed) leaves no comparable baseline.
        if (baseline is not null && baseline.FromMetrics != now.FromMetrics) baseline = null;
        var seconds = baseline is null ? 0 : _time.GetElapsedTime(baseline.Timestamp, now.Timestamp).TotalSeconds;
        var config = generation.Config;
        var breakers = TrafficInspection.CircuitBreakers(generation.State);
        var endpoints = new List<EndpointTraffic>(config.Endpoints.Length);
        var backends = new List<BackendTraffic>();
        var total = TrafficSnapshot.Zero;
        var totalWindow = TrafficSnapshot.Zero;
        foreach (var endpoint in config.Endpoints)
        {
            var key = TrafficKeys.Endpoint(endpoint);
            var current = now.Endpoints.GetValueOrDefault(key) ?? TrafficSnapshot.Zero;
            var window = Since(current, baseline?.Endpoints.GetValueOrDefault(key), now.FromMetrics);
            total = Add(total, current);
            totalWindow = Add(totalWindow, window);
            endpoints.Add(new EndpointTraffic(key, endpoint.Method, endpoint.Endpoint, Figures(current, window, seconds),
                current.Status2xx, current.Status3xx, current.Status4xx, current.Status5xx,
                RateLimited(endpoint, current), endpoint.RateLimit is not null || endpoint.RedisRateLimit is not null));
            for (var i = 0; i < endpoint.Backend.Length; i++)
            {
                var backendKey = TrafficKeys.Backend(endpoint, i);
                var b = now.Backends.GetValueOrDefault(backendKey) ?? TrafficSnapshot.Zero;
                var bw = Since(b, baseline?.Backends.GetValueOrDefault(backendKey), now.FromMetrics);
                backends.Add(new BackendTraffic(backendKey, key, i, Hosting.SecretMask.Apply(endpoint.Backend[i].UrlPattern), Figures(b, bw, seconds),
                    RouteTableView.BreakerOf(breakers, backendKey)));
            }
        }
        var source = now.FromMetrics ? "telemetry/metrics (latency over its collection_time window)" : "console counters";
        return new TrafficView(_time.GetUtcNow(), Math.Round(seconds, 3), source, Figures(total, totalWindow, seconds), endpoints, backends);
    }

    /// <summary>
    /// The figures of the interval since <paramref name="baseline"/>; telemetry/metrics' latency is already a window
    /// (its histograms are cleared every collection_time), so it is taken as it is.
    /// </summary>
    private static TrafficSnapshot Since(TrafficSnapshot current, TrafficSnapshot? baseline, bool fromMetrics)
    {
        var window = current.Minus(baseline ?? TrafficSnapshot.Zero);
        return fromMetrics ? window with { Latency = current.Latency } : window;
    }

    /// <summary>qos/ratelimit/router answers 429 (per client) and 503 (per endpoint); only counted where it is configured.</summary>
    private static long RateLimited(EndpointConfig endpoint, TrafficSnapshot s)
    {
        if (endpoint.RateLimit is null && endpoint.RedisRateLimit is null) return 0;
        return s.Status429 + s.Status503;
    }

    private static TrafficFigures Figures(TrafficSnapshot total, TrafficSnapshot window, double seconds)
        => new(total.Requests, seconds > 0 ? Math.Round(window.Requests / seconds, 2) : 0,
            window.Requests > 0 ? Math.Round((double)window.Errors / window.Requests, 4) : 0,
            window.Percentile(0.50) / 1000.0, window.Percentile(0.95) / 1000.0, window.Percentile(0.99) / 1000.0, total.Errors);

    private static TrafficSnapshot Add(TrafficSnapshot a, TrafficSnapshot b)
    {
        var latency = new long[TrafficMeter.Buckets];
        for (var i = 0; i < latency.Length; i++) latency[i] = a.Latency[i] + b.Latency[i];
        return new TrafficSnapshot(a.Requests + b.Requests, a.Errors + b.Errors, a.Status2xx + b.Status2xx, a.Status3xx + b.Status3xx,
            a.Status4xx + b.Status4xx, a.Status5xx + b.Status5xx, a.Status429 + b.Status429, a.Status503 + b.Status503, latency);
    }

    public void Dispose() => Stop();
}
