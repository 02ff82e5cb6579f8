namespace Cuttle.Watch.Processes;

/// <summary>
/// As PID 1 (or a child subreaper), orphaned descendants become our children; unreaped they stay zombies forever.
/// This reaps children that no <see cref="ChildProcess"/> owns; those are left to .NET's own SIGCHLD handling.
/// </summary>
public sealed class OrphanReaper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private OrphanReaper(TimeSpan interval, TimeProvider time) => _loop = RunAsync(interval, time, _stop.Token);

    /// <summary>Becomes a child subreaper (prctl PR_SET_CHILD_SUBREAPER) and starts reaping orphans periodically.</summary>
    public static OrphanReaper Start(TimeSpan interval, TimeProvider time)
    {
        Native.BecomeChildSubreaper();
        return new OrphanReaper(interval, time);
    }

    /// <summary>Reaps zombie children that nobody else waits for; returns how many.</summary>
    public static int ReapOnce()
    {
        var self = Native.CurrentPid;
        var reaped = 0;
        foreach (var e in ProcessTable.Read())
        {
            if (e.ParentPid == self && e.State == 'Z' && !ChildProcess.IsTracked(e.Pid) && Native.TryReap(e.Pid))
            {
                reaped++;
            }
        }

        return reaped;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static async Task RunAsync(TimeSpan interval, TimeProvider time, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            ReapOnce();
        }
    }
}
