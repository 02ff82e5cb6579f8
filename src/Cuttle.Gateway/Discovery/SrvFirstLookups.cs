using Cuttle.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Discovery;

/// <summary>
/// The first SRV lookup of every sd: dns backend of one build. lura's dnssrv subscriber resolves synchronously when it
/// is created, at start-up, so the first request already goes to the answer's hosts (or, when the lookup failed or
/// found nothing, to none: its balancer answers "no hosts available"). The lookups start as each backend is built and
/// run in parallel; <see cref="WaitAll"/> waits for them once the build is done, bounded so a silent nameserver cannot
/// hold start-up or a reload for long. Both happen off the request path: start-up before the listener is bound, a
/// reload on the reload task while the previous generation keeps serving.
/// </summary>
internal sealed partial class SrvFirstLookups
{
    /// <summary>One attempt of the resolver: a nameserver that answers at all answers well within it.</summary>
    internal static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly List<SrvHostList> _lists = [];

    public void Add(SrvHostList list) => _lists.Add(list);

    /// <summary>
    /// Waits until every first lookup has finished or <paramref name="timeout"/> has passed. A list still unanswered
    /// then has no hosts (calls fail with "no hosts available") until its answer arrives; it is never replaced by the
    /// SRV name called as a host. The wait is on the real clock, like the resolver's own timeouts.
    /// </summary>
    public void WaitAll(ILogger logger, TimeSpan? timeout = null)
    {
        if (_lists.Count == 0) return;
        var tasks = new Task[_lists.Count];
        for (var i = 0; i < tasks.Length; i++) tasks[i] = _lists[i].FirstLookup;
        var limit = timeout ?? DefaultTimeout;
        if (Task.WaitAll(tasks, limit)) return;
        foreach (var list in _lists)
            if (!list.FirstLookup.IsCompleted) Log.Pending(logger, list.Name, limit.TotalSeconds);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SrvFirstLookupPending, Level = LogLevel.Warning, Message = "sd dns: no SRV answer for {Name} within {Seconds} s of building the gateway: calls fail with \"no hosts available\" until it arrives")]
        public static partial void Pending(ILogger logger, string name, double seconds);
    }
}
