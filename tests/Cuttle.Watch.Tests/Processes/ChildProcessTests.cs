using Cuttle.Watch.Processes;
using Cuttle.Watch.Tests.Support;

namespace Cuttle.Watch.Tests.Processes;

public sealed class ChildProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(200);
    private readonly TempDir _dir = new();
    private readonly List<string> _status = [];

    public void Dispose() => _dir.Dispose();

    private static ChildProcess Start(string script, List<string>? lines = null) =>
        ChildProcess.Start(["sh", "-c", script], l =>
        {
            if (lines is not null)
            {
                lock (lines)
                {
                    lines.Add(l);
                }
            }
        });

    private Task<int> StopAsync(ChildProcess p, int signal = Signals.SIGINT) =>
        p.StopAsync(signal, Timeout, s =>
        {
            lock (_status)
            {
                _status.Add(s);
            }
        }, TimeProvider.System);

    [Fact]
    public async Task Child_LeadsItsOwnProcessGroup()
    {
        await using var p = Start("exec sleep 1000");
        await Poll.UntilAsync(() => ProcessTable.TryReadStat(p.Pid, out var e) && e.Group == p.Pid, "pgid == pid");
        await StopAsync(p);
    }

    [Fact]
    public async Task ExitStatus_IsTheCommandsOwn()
    {
        await using var p = Start("exit 3");
        Assert.Equal(3, await p.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Output_LinesAreDelivered_StdoutAndStderr()
    {
        var lines = new List<string>();
        await using var p = Start("echo out; echo err >&2", lines);
        await p.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => { lock (lines) { return lines.Count == 2; } }, "two lines");
        Assert.Contains("out", lines);
        Assert.Contains("err", lines);
    }

    [Fact]
    public async Task Stop_SignalsTheWholeGroup()
    {
        var pidFile = _dir["pids"];
        await using var p = Start($"sleep 1000 & echo $! > {pidFile}; sleep 1000 & echo $! >> {pidFile}; wait");
        await Poll.UntilAsync(() => File.Exists(pidFile) && File.ReadAllLines(pidFile).Length == 2, "children started");
        var children = File.ReadAllLines(pidFile).Select(int.Parse).ToArray();

        var status = await StopAsync(p);

        Assert.Equal(128 + Signals.SIGINT, status);
        foreach (var pid in children)
        {
            await Poll.UntilAsync(() => !ProcessTable.IsAlive(pid), $"child {pid} gone");
        }
    }

    [Fact]
    public async Task Stop_AlsoEndsDescendantsThatEscapedWithSetsid()
    {
        var pidFile = _dir["escaped"];
        await using var p = Start($"setsid sleep 1000 & echo $! > {pidFile}; exec sleep 1000");
        await Poll.UntilAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, "escapee started");
        var escaped = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Poll.UntilAsync(() => ProcessTable.TryReadStat(escaped, out var e) && e.Group == escaped, "escapee in its own group");

        await StopAsync(p);

        await Poll.UntilAsync(() => !ProcessTable.IsAlive(escaped), "escaped grandchild gone");
    }

    [Fact]
    public async Task Stop_EscalatesToSigkill_WhenTheSignalIsIgnored()
    {
        var lines = new List<string>();
        await using var p = Start("trap '' INT; echo ready; while :; do sleep 0.05; done", lines);
        await Poll.UntilAsync(() => { lock (lines) { return lines.Contains("ready"); } }, "trap installed");

        var status = await StopAsync(p);

        Assert.Equal(128 + 9, status);
        Assert.Equal(["Sending SIGINT signal...", "Sending SIGKILL signal..."], _status);
    }

    [Fact]
    public async Task Stop_WithTerm_UsesTheChosenSignal()
    {
        await using var p = Start("exec sleep 1000");
        Assert.Equal(128 + Signals.SIGTERM, await StopAsync(p, Signals.SIGTERM));
        Assert.Empty(_status);
    }

    [Fact]
    public void MissingCommand_GivesAClearError()
    {
        var ex = Assert.Throws<WatchException>(() => ChildProcess.Start(["no-such-command-xyz"], _ => { }));
        Assert.Equal("cannot start 'no-such-command-xyz': executable file not found in $PATH", ex.Message);
    }

    [Fact]
    public void NonExecutableFile_GivesAClearError()
    {
        File.WriteAllText(_dir["script"], "#!/bin/sh\n");
        var ex = Assert.Throws<WatchException>(() => ChildProcess.Start([_dir["script"]], _ => { }));
        Assert.Contains("permission denied", ex.Message);
    }
}
