using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Discovery;

/// <summary>
/// KrakenD's sd: dns (lura sd/dnssrv): the backend's hosts are the SRV answers for host[0], as scheme://target:port,
/// each repeated in proportion to its weight, lowest priority only. Answers are cached for dns_cache_ttl and
/// refreshed in the background; requests read the current list with one volatile read and never wait on DNS, except
/// the very first ones before any answer arrived.
/// </summary>
internal sealed partial class SrvHostList : IDisposable
{
    private readonly string _name;
    private readonly string _scheme;
    private readonly DnsSrvResolver _resolver;
    private readonly ILogger _logger;
    private readonly Timer _timer;
    private readonly TaskCompletionSource _firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string[] _hosts = [];

    public SrvHostList(string name, string scheme, DnsSrvResolver resolver, TimeSpan ttl, ILogger logger)
    {
        _name = name.Contains("://", StringComparison.Ordinal) ? new Uri(name).Host : name;
        _scheme = scheme;
        _resolver = resolver;
        _logger = logger;
        _timer = new Timer(_ => _ = RefreshAsync(), null, TimeSpan.Zero, ttl);
    }

    public string[] Hosts => _hosts;

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
            var hosts = Expand(records, _scheme);
            if (hosts.Length > 0) _hosts = hosts;
            else Log.Empty(_logger, _name);
        }
        catch (Exception ex) when (ex is DnsException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            Log.Failed(_logger, _name, ex.Message);
        }
        finally
        {
            _firstAnswer.TrySetResult();
        }
    }


    /// <summary>
    /// lura sd/dnssrv resolve: sort by priority, then weight (descending), target, port; keep the lowest priority;
    /// repeat each host by its weight divided by the weights' greatest common divisor (a weight of 0 counts as 1).
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
        var gcd = 0;
        foreach (var r in sorted) if (r.Priority == best) gcd = Gcd(gcd, Math.Max(1, (int)r.Weight));
        var hosts = new List<string>();
        foreach (var r in sorted)
        {
            if (r.Priority != best) break;
            var host = $"{scheme}://{r.Target.TrimEnd('.')}:{r.Port}";
            for (var i = 0; i < Math.Max(1, (int)r.Weight) / gcd; i++) hosts.Add(host);
        }
        return [.. hosts];
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    public void Dispose() => _timer.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "sd dns: SRV lookup of {Name} failed: {Error} (keeping the previous hosts)")]
        public static partial void Failed(ILogger logger, string name, string error);

        [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "sd dns: SRV lookup of {Name} returned no records (keeping the previous hosts)")]
        public static partial void Empty(ILogger logger, string name);
    }
}
