using System.Net.Sockets;
using Cuttle.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cuttle.Hosting.Sockets;

/// <summary>
/// What a listener does when accept() fails, as Go's http.Server does: a connection the peer reset while it waited in
/// the backlog is skipped at once; any other failure (EMFILE/ENFILE when the process or system is out of descriptors,
/// ENOBUFS/ENOMEM) waits 5 ms, doubling up to 1 s, until an accept succeeds again. Retrying at once would spin: the
/// pending connection keeps the listening socket readable, so each retry fails again immediately (a tight loop burning
/// a core and allocating an exception per turn while the descriptors it needs never come back).
/// </summary>
/// <remarks>
/// One instance per listener; Kestrel calls a listener's AcceptAsync from one loop, so it is not thread-safe. A burst
/// (failures up to the next successful accept) logs twice: a warning at its first failure and a summary at recovery.
/// </remarks>
internal sealed partial class AcceptBackoff(ILogger logger, TimeProvider time)
{
    /// <summary>Go's net/http (Server.Serve): the first wait after a temporary accept error.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>Go's net/http: the wait stops doubling at one second.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private TimeSpan _delay;
    private long _failures;
    private long _burstStarted;

    /// <summary>Failures since the last successful accept.</summary>
    public long Failures => _failures;

    /// <summary>True for a connection the peer reset or aborted before it was accepted: retry at once, not a failure.</summary>
    public static bool IsPeerGone(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.ConnectionAborted;

    /// <summary>Records a failure and returns how long to wait before the next accept.</summary>
    public TimeSpan OnFailure(SocketError error)
    {
        if (_failures++ == 0)
        {
            _burstStarted = time.GetTimestamp();
            Log.AcceptFailing(logger, error);
        }
        _delay = _delay == TimeSpan.Zero ? FirstDelay : _delay * 2;
        if (_delay > MaxDelay) _delay = MaxDelay;
        return _delay;
    }

    /// <summary>Records a failure and waits the back-off; throws <see cref="OperationCanceledException"/> on cancellation.</summary>
    public Task WaitAsync(SocketError error, CancellationToken cancellationToken) =>
        Task.Delay(OnFailure(error), time, cancellationToken);

    /// <summary>An accept succeeded: ends the burst (if any) and resets the schedule.</summary>
    public void OnSuccess()
    {
        if (_failures == 0) return;
        Log.AcceptRecovered(logger, _failures, time.GetElapsedTime(_burstStarted).TotalMilliseconds);
        _failures = 0;
        _delay = TimeSpan.Zero;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AcceptFailing, Level = LogLevel.Warning, Message = "accept failed ({Error}: out of file descriptors or buffers?); retrying with a back-off from 5 ms up to 1 s until connections can be accepted again")]
        public static partial void AcceptFailing(ILogger logger, SocketError error);

        [LoggerMessage(EventId = EventIds.AcceptRecovered, Level = LogLevel.Warning, Message = "accepting connections again after {Failures} failed accepts over {Ms:0} ms")]
        public static partial void AcceptRecovered(ILogger logger, long failures, double ms);
    }
}
