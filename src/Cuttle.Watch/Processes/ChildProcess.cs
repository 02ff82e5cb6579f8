using System.Collections.Concurrent;
using System.Diagnostics;

namespace Cuttle.Watch.Processes;

/// <summary>
/// One run of a command, leader of its own session and process group so that a restart can signal everything it
/// started. How: <c>Process</c> starts util-linux/busybox <c>setsid</c>, which calls setsid(2) and exec's the command in
/// the same pid (it only forks when already a group leader, which a fresh child never is). So pid = pgid, the exit
/// status is the command's own, and .NET keeps doing the pipe and SIGCHLD plumbing. reflex gets the same group
/// through a pty; we use pipes instead: no pty fd to leak per run (reflex leaks one), and output lines are prefixed
/// without terminal echo ("^C"). The child therefore sees no TTY on stdout/stderr and stdin is at EOF.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, byte> Running = new();
    private static readonly Lazy<string?> SetsidPath = new(() =>
    {
        try
        {
            return CommandResolver.Resolve("setsid");
        }
        catch (WatchException)
        {
            return null;
        }
    });

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdout;
    private readonly Task _stderr;

    // Descendants seen outside the group (setsid, daemons): signalled with the group at each step.
    private readonly List<int> _escaped = [];

    private ChildProcess(Process process, Action<string> onLine)
    {
        _process = process;
        Pid = process.Id;
        Running.TryAdd(Pid, 0);
        _stdout = PumpAsync(process.StandardOutput, onLine);
        _stderr = PumpAsync(process.StandardError, onLine);
        process.StandardInput.Close();
    }

    public int Pid { get; }

    /// <summary>Completes with the exit status: the exit code, or 128 + signal number when killed by a signal.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Pids started by this class and not yet reaped: the orphan reaper must leave them to .NET.</summary>
    public static bool IsTracked(int pid) => Running.ContainsKey(pid);

    /// <summary>Starts <paramref name="argv"/> (no shell; use <c>sh -c</c> for shell features, as with reflex).</summary>
    /// <exception cref="WatchException">The command cannot be found or started.</exception>
    public static ChildProcess Start(IReadOnlyList<string> argv, Action<string> onLine)
    {
        var executable = CommandResolver.Resolve(argv[0]);
        var setsid = SetsidPath.Value;
        var psi = new ProcessStartInfo
        {
            FileName = setsid ?? executable,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (setsid is not null)
        {
            psi.ArgumentList.Add(executable);
        }

        for (var i = 1; i < argv.Count; i++)
        {
            psi.ArgumentList.Add(argv[i]);
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new WatchException($"cannot start '{argv[0]}': {ex.Message}", ex);
        }

        var child = new ChildProcess(process, onLine);
        process.Exited += (_, _) => child.OnExited();
        if (process.HasExited)
        {
            child.OnExited();
        }

        return child;
    }

    /// <summary>
    /// Stops the run and everything it started, like reflex's terminate(): <paramref name="signal"/> to the group (and
    /// to descendants that escaped it with setsid), again after <paramref name="timeout"/>, then SIGKILL after another.
    /// </summary>
    public async Task<int> StopAsync(int signal, TimeSpan timeout, Action<string> status, TimeProvider time, CancellationToken ct = default)
    {
        if (!Exited.IsCompleted)
        {
            SignalTree(signal);
            if (!await WaitAsync(timeout, time, ct).ConfigureAwait(false))
            {
                status($"Sending {Signals.Name(signal)} signal...");
                SignalTree(signal);
                if (!await WaitAsync(timeout, time, ct).ConfigureAwait(false))
                {
                    status("Sending SIGKILL signal...");
                    SignalTree(Native.SIGKILL);
                }
            }
        }

        var code = await Exited.WaitAsync(ct).ConfigureAwait(false);

        // The leader is gone; its escaped descendants may still run (a daemonised grandchild): end them too.
        await KillStragglersAsync(signal, timeout, time).ConfigureAwait(false);
        return code;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted)
        {
            SignalTree(Native.SIGKILL);
            await Exited.ConfigureAwait(false);
        }

        // Output ends when the last writer closes the pipe; do not wait forever for a straggler that still holds it.
        await Task.WhenAny(Task.WhenAll(_stdout, _stderr), Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);

        // Process.Dispose closes redirected streams only in its own async-read mode; these were read directly.
        _process.StandardOutput.Dispose();
        _process.StandardError.Dispose();
        _process.Dispose();
    }

    private void SignalTree(int signal)
    {
        // Record the tree while the leader is alive: once it dies, its children are re-parented and harder to find.
        foreach (var pid in ProcessTable.Descendants(Pid))
        {
            if (!_escaped.Contains(pid) && ProcessTable.TryReadStat(pid, out var e) && e.Group != Pid)
            {
                _escaped.Add(pid);
            }
        }

        if (Native.Kill(-Pid, signal) == Native.ESRCH)
        {
            // setsid has not run yet (or is absent): the group does not exist; signal the process itself.
            Native.Kill(Pid, signal);
        }

        foreach (var pid in _escaped)
        {
            Native.Kill(pid, signal);
        }
    }

    private async Task KillStragglersAsync(int signal, TimeSpan timeout, TimeProvider time)
    {
        foreach (var pid in ProcessTable.Descendants(Pid))
        {
            if (!_escaped.Contains(pid))
            {
                _escaped.Add(pid);
            }
        }

        if (_escaped.Count == 0)
        {
            return;
        }

        var started = time.GetTimestamp();
        foreach (var pid in _escaped)
        {
            Native.Kill(pid, signal);
        }

        while (AnyAlive())
        {
            if (time.GetElapsedTime(started) > timeout)
            {
                foreach (var pid in _escaped)
                {
                    Native.Kill(pid, Native.SIGKILL);
                }

                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), time).ConfigureAwait(false);
        }

        bool AnyAlive()
        {
            foreach (var pid in _escaped)
            {
                if (ProcessTable.IsAlive(pid))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        try
        {
            await Exited.WaitAsync(timeout, time, ct).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        Running.TryRemove(Pid, out _);
        _exited.TrySetResult(code);
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                onLine(line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe was torn down with the process; nothing more to show.
        }
    }
}
