namespace Cuttle.Gateway.Telemetry.Stats;

/// <summary>
/// krakend-metrics' Stats: the registry's counters, gauges and histograms as one collection saw them, under their
/// full names ("krakend.…", sorted). Built off the request path, once per collection, only while it is read.
/// </summary>
public sealed class StatsSnapshot(DateTimeOffset time)
{
    public DateTimeOffset Time { get; } = time;
    public List<KeyValuePair<string, long>> Counters { get; } = [];
    public List<KeyValuePair<string, long>> Gauges { get; } = [];
    public List<KeyValuePair<string, HistogramSnapshot>> Histograms { get; } = [];
}
