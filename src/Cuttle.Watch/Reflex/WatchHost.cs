using System.Runtime.InteropServices;
using Cuttle.Watch.Processes;

namespace Cuttle.Watch.Reflex;

/// <summary>Runs a set of reflexes until cancelled or signalled; the engine behind <c>cuttle watch</c>.</summary>
public static class WatchHost
{
    /// <summary>
    /// Starts every reflex, waits, then stops them all. Exit status: the service's own when it ended (by itself with
    /// <c>--exit-with-service</c>, or after the forwarded signal), 0 when no service ran (reflex exits 0 on a signal),
    /// 1 when a reflex could not start.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<ReflexOptions> reflexes, WatchHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reflexes);
        ArgumentNullException.ThrowIfNull(options);
        var writer = options.Output ?? Console.Out;
        var output = new ReflexOutput(writer, options.Decoration, options.IsTerminal ?? (options.Output is null && !Console.IsOutputRedirected));
        using var sequential = options.Sequential ? new SemaphoreSlim(1, 1) : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var received = 0;
        var registrations = new List<PosixSignalRegistration>();
        if (options.HandleSignals)
        {
            Native.UnignoreInterruptSignals();
            foreach (var (signal, number) in new[] { (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3) })
            {
                registrations.Add(PosixSignalRegistration.Create(signal, ctx =>
                {
                    ctx.Cancel = true;
                    Interlocked.CompareExchange(ref received, number, 0);
                    stop.Cancel();
                }));
            }
        }

        await using var reaper = options.ReapOrphans || Environment.ProcessId == 1 ? OrphanReaper.Start(TimeSpan.FromSeconds(1), options.TimeProvider) : null;
        var watchers = new List<ReflexWatcher>();
        try
        {
            for (var i = 0; i < reflexes.Count; i++)
            {
                var watcher = new ReflexWatcher(i, reflexes[i], output, sequential, options.Verbose, options.TimeProvider);
                watchers.Add(watcher);
                await watcher.StartAsync().ConfigureAwait(false);
            }
        }
        catch (WatchException ex)
        {
            var error = options.ErrorOutput ?? Console.Error;
            error.WriteLine("cuttle watch: " + ex.Message);
            error.Flush();
            await StopAllAsync(watchers, null).ConfigureAwait(false);
            DisposeAll(registrations);
            return 1;
        }

        options.OnReady?.Invoke();
        var ended = new List<Task>(watchers.Count + 1);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = stop.Token.Register(() => cancelled.TrySetResult());
        ended.Add(cancelled.Task);
        foreach (var w in watchers)
        {
            ended.Add(w.ServiceEnded);
        }

        var first = await Task.WhenAny(ended).ConfigureAwait(false);
        int? forward = received == 0 ? null : received;
        if (forward is { } sig)
        {
            output.WriteBare($"Interrupted ({Describe(sig)}). Cleaning up children...");
        }

        var statuses = await StopAllAsync(watchers, forward).ConfigureAwait(false);
        DisposeAll(registrations);
        if (reaper is not null)
        {
            OrphanReaper.ReapOnce();
        }

        if (first is Task<int> serviceEnded)
        {
            return serviceEnded.Result;
        }

        for (var i = 0; i < statuses.Length; i++)
        {
            if (reflexes[i].StartService && statuses[i] is { } s)
            {
                return s;
            }
        }

        return 0;
    }

    private static async Task<int?[]> StopAllAsync(List<ReflexWatcher> watchers, int? signal)
    {
        var tasks = new Task<int?>[watchers.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = watchers[i].StopAsync(signal);
        }

        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static void DisposeAll(List<PosixSignalRegistration> registrations)
    {
        foreach (var r in registrations)
        {
            r.Dispose();
        }
    }

    // reflex prints Go's os.Signal String(): "interrupt", "terminated", "hangup", "quit".
    private static string Describe(int signal) => signal switch
    {
        1 => "hangup",
        2 => "interrupt",
        3 => "quit",
        15 => "terminated",
        _ => Signals.Name(signal),
    };
}
