namespace Cuttle.Gateway.Telemetry.Stats;

/// <summary>
/// krakend-metrics' NewProxyMiddleware instruments for one layer ("pipe" per endpoint, "backend" per url_pattern):
/// the four requests counters and four latency histograms <c>krakend.proxy.{requests|latency}.layer.&lt;layer&gt;
/// .name.&lt;name&gt;.complete.&lt;bool&gt;.error.&lt;bool&gt;</c>, all registered at build time as
/// registerProxyMiddlewareMetrics does. The request path indexes them by (complete, error); no name is built per request.
/// </summary>
internal sealed class LayerStats
{
    private readonly StatsCounter[] _requests = new StatsCounter[4];
    private readonly StatsHistogram[] _latency = new StatsHistogram[4];

    public LayerStats(StatsCollector collector, string layer, string name, long generation)
    {
        var labels = "layer." + layer + ".name." + name;
        foreach (var complete in (ReadOnlySpan<bool>)[true, false])
        {
            foreach (var errored in (ReadOnlySpan<bool>)[true, false])
            {
                var suffix = labels + ".complete." + (complete ? "true" : "false") + ".error." + (errored ? "true" : "false");
                _requests[Index(complete, errored)] = collector.Counter("proxy.requests." + suffix, generation);
                _latency[Index(complete, errored)] = collector.Histogram("proxy.latency." + suffix, generation);
            }
        }
    }

    private static int Index(bool complete, bool errored) => (complete ? 2 : 0) + (errored ? 1 : 0);

    public void Record(bool complete, bool errored, long nanoseconds)
    {
        var i = Index(complete, errored);
        _requests[i].Inc();
        _latency[i].Update(nanoseconds);
    }
}

/// <summary>
/// The router's instruments for one endpoint (RegisterResponseWriterMetrics and ginResponseWriter.end): the
/// response size and time histograms, the bare "status" counter KrakenD registers and never increments, and one
/// counter per status code seen, <c>krakend.router.response.&lt;endpoint&gt;.status.&lt;code&gt;.count</c>. A status
/// counter is resolved the first time its code appears and kept in a small copy-on-write array, so a later request
/// with that code finds it with a scan of a few ints and no lock.
/// </summary>
internal sealed class RouterEndpointStats
{
    private readonly StatsCollector _collector;
    private readonly string _name;
    private readonly long _generation;
    private readonly object _lock = new();
    private volatile StatusCounter[] _statuses = [];

    private readonly record struct StatusCounter(int Status, StatsCounter Counter);

    public RouterEndpointStats(StatsCollector collector, string name, long generation)
    {
        _collector = collector;
        _name = name;
        _generation = generation;
        collector.Counter("router.response." + name + ".status", generation);
        Size = collector.Histogram("router.response." + name + ".size", generation);
        Time = collector.Histogram("router.response." + name + ".time", generation);
        var existing = collector.StatusCounters("router.response." + name + ".status.", generation);
        var statuses = new StatusCounter[existing.Count];
        for (var i = 0; i < statuses.Length; i++) statuses[i] = new StatusCounter(existing[i].Status, existing[i].Counter);
        _statuses = statuses;
    }

    public StatsHistogram Size { get; }
    public StatsHistogram Time { get; }

    public StatsCounter Status(int status)
    {
        var statuses = _statuses;
        foreach (var s in statuses)
        {
            if (s.Status == status) return s.Counter;
        }
        return AddStatus(status);
    }

    private StatsCounter AddStatus(int status)
    {
        lock (_lock)
        {
            foreach (var s in _statuses)
            {
                if (s.Status == status) return s.Counter;
            }
            var counter = _collector.Counter("router.response." + _name + ".status." + status.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".count", _generation);
            _statuses = [.. _statuses, new StatusCounter(status, counter)];
            return counter;
        }
    }
}
