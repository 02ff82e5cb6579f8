using Cuttle.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Discovery;

/// <summary>
/// KrakenD's sd: dns (lura sd/dnssrv): the backend's hosts are the SRV answers for host[0], as scheme://target:port,
/// each repeated in proportion to its weight as lura compacts it, lowest priority only. Answers are cached for dns_cache_ttl; the first
/// request after that starts a background refresh (no timer, so nothing outlives a retired generation) and keeps using
/// the previous answer. Requests read the current list with one volatile read and never wait on DNS: the first lookup,
/// which lura does synchronously when the subscriber is created, is awaited when the generation is built
/// (<see cref="SrvFirstLookups"/>).
/// </summary>
internal sealed partial class SrvHostList
{
    private readonly string _name;
    private readonly string _scheme;
    private readonly DnsSrvResolver _resolver;
    private readonly ILogger _logger;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string[] _hosts = [];
    private long _refreshedAt;
    private int _refreshing;

    public SrvHostList(string name, string scheme, DnsSrvResolver resolver, TimeSpan ttl, ILogger logger, TimeProvider? time = null)
    {
        // The config layer may have sanitised the SRV name into a URL ("http://_api._tcp.example.com"): keep the name.
        var schemeEnd = name.IndexOf("://", StringComparison.Ordinal);
        _name = schemeEnd >= 0 ? name[(schemeEnd + 3)..].TrimEnd('/') : name;
        _scheme = scheme;
        _resolver = resolver;
        _logger = logger;
        // Whole milliseconds, as the cache compared Environment.TickCount64 before the clock was injected.
        _ttl = TimeSpan.FromMilliseconds((long)ttl.TotalMilliseconds);
        _time = time ?? TimeProvider.System;
        StartRefresh();
    }

    /// <summary>
    /// The current hosts; starts a refresh when the answer is stale. Empty before the first answer and after a first
    /// lookup that failed or found nothing, as lura's subscriber is: its balancer then answers "no hosts available".
    /// </summary>
    public string[] Hosts
    {
        get
        {
            if (_time.GetElapsedTime(Volatile.Read(ref _refreshedAt)) > _ttl) StartRefresh();
            return _hosts;
        }
    }

    private void StartRefresh()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 0) _ = RefreshAsync();
    }

    /// <summary>The SRV name looked up.</summary>
    public string Name => _name;

    /// <summary>Completes when the first lookup has finished, whatever its outcome.</summary>
    public Task FirstLookup => _firstAnswer.Task;

    /// <summary>Waits (bounded) for the first answer; returns the current hosts, possibly empty.</summary>
    public async ValueTask<string[]> GetAsync(CancellationToken ct)
    {
        var hosts = _hosts;
        if (hosts.Length > 0) return hosts;
        await _firstAnswer.Task.WaitAsync(ct).ConfigureAwait(false);
        return _hosts;
    }

    internal async Task RefreshAsync()
    {
        try
        {
            var records = await _resolver.LookupAsync(_name, CancellationToken.None).ConfigureAwait(false);
            // Go's resolver turns an answer without records into "no such host", an error, and lura keeps its hosts.
            // Records whose weights all compact to 0 are an answer: lura replaces its hosts with none (its balancer
            // then fails every call with "no hosts available") until a later answer brings some back.
            if (records.Count == 0)
            {
                Log.Empty(_logger, _name);
            }
            else
            {
                var hosts = Expand(records, _scheme);
                if (hosts.Length == 0) Log.NoWeight(_logger, _name);
                _hosts = hosts;
            }
        }
        catch (Exception ex) when (ex is DnsException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            Log.Failed(_logger, _name, ex.Message);
        }
        finally
        {
            Volatile.Write(ref _refreshedAt, _time.GetTimestamp());
            Volatile.Write(ref _refreshing, 0);
            _firstAnswer.TrySetResult();
        }
    }


    /// <summary>
    /// lura sd/dnssrv resolve: sort by priority, then weight (descending), target, port; keep the lowest priority;
    /// repeat each host by its compacted weight (<see cref="Compact"/>), so a weight that compacts to 0 drops the host.
    /// </summary>
    internal static string[] Expand(IReadOnlyList<SrvRecord> records, string scheme)
    {
        if (records.Count == 0) return [];
        var sorted = new List<SrvRecord>(records);
        sorted.Sort(static (a, b) =>
            a.Priority != b.Priority ? a.Priority.CompareTo(b.Priority)
            : a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight)
            : !string.Equals(a.Target, b.Target, StringComparison.Ordinal) ? string.CompareOrdinal(a.Target, b.Target)
            : a.Port.CompareTo(b.Port));
        var best = sorted[0].Priority;
        var weights = new List<ushort>();
        foreach (var r in sorted)
        {
            if (r.Priority != best) break;
            weights.Add(r.Weight);
        }
        var times = Compact(weights);
        var hosts = new List<string>();
        for (var i = 0; i < times.Length; i++)
        {
            var host = $"{scheme}://{sorted[i].Target.TrimEnd('.')}:{sorted[i].Port}";
            for (var j = 0; j < times[i]; j++) hosts.Add(host);
        }
        return [.. hosts];
    }

    /// <summary>
    /// lura's compact: weights whose sum exceeds max(100, count) are first scaled to that sum (integer division, so a
    /// small weight can become 0), then divided by their greatest common divisor when it is 2 or more.
    /// </summary>
    internal static ushort[] Compact(IReadOnlyList<ushort> weights)
    {
        var scale = Math.Max(100, weights.Count);
        long sum = 0;
        foreach (var w in weights) sum += w;
        var result = new ushort[weights.Count];
        for (var i = 0; i < result.Length; i++) result[i] = sum <= scale ? weights[i] : (ushort)(weights[i] * (long)scale / sum);
        if (result.Length == 0) return result;
        int gcd = result[0];
        for (var i = 1; i < result.Length; i++) gcd = Gcd(gcd, result[i]);
        if (gcd < 2) return result;
        for (var i = 0; i < result.Length; i++) result[i] = (ushort)(result[i] / gcd);
        return result;
    }

    private static int Gcd(int a, int b)
    {
        while (b > 0) (a, b) = (b, a % b);
        return a;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SrvLookupFailed, Level = LogLevel.Warning, Message = "sd dns: SRV lookup of {Name} failed: {Error} (keeping the previous hosts)")]
        public static partial void Failed(ILogger logger, string name, string error);

        [LoggerMessage(EventId = EventIds.SrvNoWeight, Level = LogLevel.Warning, Message = "sd dns: every SRV record of {Name} at its best priority weighs 0: no hosts, calls fail with \"no hosts available\" as in lura")]
        public static partial void NoWeight(ILogger logger, string name);

        [LoggerMessage(EventId = EventIds.SrvLookupEmpty, Level = LogLevel.Warning, Message = "sd dns: SRV lookup of {Name} returned no records (keeping the previous hosts)")]
        public static partial void Empty(ILogger logger, string name);
    }
}
