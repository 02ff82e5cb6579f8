using Cuttle.Watch.Reflex;
using Cuttle.Watch.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Watch.Tests.Reflex;

/// <summary>
/// reflex behaviour end to end: real child processes, real file changes, restarts counted in a log file. Debounce,
/// back-off and shutdown timeouts run on a fake clock that the polls move on, so the tests wait only for real events.
/// </summary>
public sealed class WatchHostTests : IDisposable
{
    // Long enough for a second (wrong) restart to start its process and write the log; no debounce to wait out.
    private const int QuietWindowMs = 150;
    private readonly FakeTimeProvider _clock = new();
    private TimeProvider _time;
    private readonly TempDir _watched = new();
    private readonly TempDir _scratch = new();
    private readonly SyncWriter _output = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WatchHostTests() => _time = _clock;

    public void Dispose()
    {
        _cts.Dispose();
        _watched.Dispose();
        _scratch.Dispose();
    }

    private string Log => _scratch["log"];

    private int LogLines(string text = "started") => File.Exists(Log) ? File.ReadAllLines(Log).Count(l => l == text) : 0;

    private ReflexOptions Service(params string[] globs) => new()
    {
        Globs = globs,
        StartService = true,
        WatchPaths = [_watched.Path],
        Debounce = TimeSpan.FromMilliseconds(50),
        ShutdownTimeout = TimeSpan.FromMilliseconds(200),
        Command = ["sh", "-c", $"echo started >> {Log}; exec sleep 1000"],
    };

    private Task<int> Run(params ReflexOptions[] reflexes) => Run(new WatchHostOptions(), reflexes);

    private Task<int> Run(WatchHostOptions host, params ReflexOptions[] reflexes) =>
        Task.Run(() => WatchHost.RunAsync(reflexes, host with { TimeProvider = _time, Output = _output, ErrorOutput = _output, IsTerminal = host.IsTerminal ?? false, OnReady = () => _ready.TrySetResult() }, _cts.Token));

    private async Task<int> StopAsync(Task<int> run)
    {
        await _cts.CancelAsync();
        return await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task ExpectRestartsAsync(int expected, string what)
    {
        await Poll.UntilAsync(() => LogLines() >= expected, what, clock: _clock);
        await Poll.StaysAsync(() => LogLines(), expected, QuietWindowMs, what + " (exactly once)", _clock);
    }

    public static TheoryData<string> SaveStyles => ["append", "truncate", "rename-over", "sed-i", "delete-recreate", "configmap-swap"];

    [Theory]
    [MemberData(nameof(SaveStyles))]
    public async Task Service_RestartsExactlyOncePerSave(string style)
    {
        var cfg = _watched["krakend.json"];
        if (style == "configmap-swap")
        {
            Directory.CreateDirectory(_watched["..2026_01"]);
            File.WriteAllText(_watched["..2026_01/krakend.json"], "v1");
            File.CreateSymbolicLink(_watched["..data"], "..2026_01");
            File.CreateSymbolicLink(cfg, "..data/krakend.json");
        }
        else
        {
            File.WriteAllText(cfg, "{\"version\": 3}");
        }

        var run = Run(Service("krakend.json"));
        await ExpectRestartsAsync(1, "service started at launch");

        switch (style)
        {
            case "append":
                File.AppendAllText(cfg, "\n");
                break;
            case "truncate":
                using (var s = new FileStream(cfg, FileMode.Truncate))
                {
                    s.Write("{}"u8);
                }

                break;
            case "rename-over":
                File.WriteAllText(_watched["krakend.json.new"], "{\"version\": 3, \"name\": \"x\"}");
                File.Move(_watched["krakend.json.new"], cfg, overwrite: true);
                break;
            case "sed-i":
                await RunToEnd("sed", "-i", "s/3/4/", cfg);
                break;
            case "delete-recreate":
                File.Delete(cfg);
                File.WriteAllText(cfg, "{\"version\": 5}");
                break;
            case "configmap-swap":
                Directory.CreateDirectory(_watched["..2026_02"]);
                File.WriteAllText(_watched["..2026_02/krakend.json"], "v2");
                File.CreateSymbolicLink(_watched["..data_tmp"], "..2026_02");
                Posix.Rename(_watched["..data_tmp"], _watched["..data"]);
                Directory.Delete(_watched["..2026_01"], recursive: true);
                break;
        }

        await ExpectRestartsAsync(2, style);
        Assert.Equal(130, await StopAsync(run));
        Assert.Equal(1, _output.Count("[00] Killing service"));
    }

    [Fact]
    public async Task Service_TouchAndIdenticalRewrite_DoNotRestart()
    {
        var cfg = _watched["krakend.json"];
        File.WriteAllText(cfg, "same");
        var run = Run(Service("krakend.json"));
        await ExpectRestartsAsync(1, "start");

        File.SetLastWriteTimeUtc(cfg, DateTime.UtcNow.AddMinutes(1));
        File.WriteAllText(cfg, "same");
        await Poll.StaysAsync(() => LogLines(), 1, QuietWindowMs, "no restart for no-op changes", _clock);

        File.WriteAllText(cfg, "changed");
        await ExpectRestartsAsync(2, "real change");
        await StopAsync(run);
    }

    [Fact]
    public async Task Service_NewSubdirectoryFile_Restarts()
    {
        var run = Run(Service() with { Regexes = [@"\.json$"] });
        await ExpectRestartsAsync(1, "start");
        await _ready.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Directory.CreateDirectory(_watched["conf/partials"]);
        File.WriteAllText(_watched["conf/partials/a.json"], "{}");
        await ExpectRestartsAsync(2, "file in new directory");
        await StopAsync(run);
    }

    [Fact]
    public async Task Service_GlobDoesNotCrossSlash_AsReflex()
    {
        Directory.CreateDirectory(_watched["sub"]);
        var run = Run(Service("*.json"));
        await ExpectRestartsAsync(1, "start");

        File.WriteAllText(_watched["sub/nested.json"], "{}");
        await Poll.StaysAsync(() => LogLines(), 1, QuietWindowMs, "sub/nested.json does not match *.json", _clock);
        File.WriteAllText(_watched["top.json"], "{}");
        await ExpectRestartsAsync(2, "top.json matches");
        await StopAsync(run);
    }

    [Fact]
    public async Task Service_ThatKeepsCrashing_BacksOff_AndSaysSo()
    {
        var run = Run(Service("c.txt") with { Command = ["sh", "-c", $"echo started >> {Log}; exit 2"] });
        for (var i = 1; i <= 4; i++)
        {
            await Poll.UntilAsync(() => LogLines() >= i && _output.Count("[00] (error exit: exit status 2)") >= i, $"crash {i}", clock: _clock);
            File.WriteAllText(_watched["c.txt"], i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await Poll.UntilAsync(() => _output.ToString().Contains("[00] service keeps crashing (3 exits in a row, last: exit status 2); waiting 0.5s", StringComparison.Ordinal), "back-off message", clock: _clock);
        await StopAsync(run);
    }

    [Fact]
    public async Task Service_ExitWithService_ReturnsTheChildsStatus()
    {
        var status = await Run(Service() with { ExitWithService = true, Command = ["sh", "-c", "exit 7"] }).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, status);
        Assert.Equal(1, _output.Count("[00] (error exit: exit status 7)"));
    }

    [Fact]
    public async Task NonService_WithSubstitution_RunsOncePerChangedFile_NotAtStart()
    {
        var run = Run(new ReflexOptions
        {
            Regexes = [@"\.txt$"],
            WatchPaths = ["."],
            Debounce = TimeSpan.FromMilliseconds(100),
            Command = ["sh", "-c", $"echo {{}} >> {Log}"],
        } with
        {
            WatchPaths = [_watched.Path],
        });
        await _ready.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(File.Exists(Log), "no run at start");

        File.WriteAllText(_watched["a.txt"], "a");
        File.WriteAllText(_watched["b.txt"], "b");
        var a = _watched.Path + "/a.txt";
        var b = _watched.Path + "/b.txt";
        await Poll.UntilAsync(() => LogLines(a) == 1 && LogLines(b) == 1, "one run per file", clock: _clock);
        await Poll.StaysAsync(() => File.ReadAllLines(Log).Length, 2, QuietWindowMs, "exactly one run each", _clock);
        await StopAsync(run);
    }

    [Fact]
    public async Task NonService_WithoutSubstitution_RunsOncePerBatch()
    {
        // The one test of folding two files' events into a batch keeps the real clock: on a fake one the test's own
        // clock steps, not the events' spacing, would decide where one batch ends.
        _time = TimeProvider.System;
        var run = Run(new ReflexOptions
        {
            WatchPaths = [_watched.Path],
            Debounce = TimeSpan.FromMilliseconds(100),
            Command = ["sh", "-c", $"echo ran >> {Log}"],
        });
        await _ready.Task.WaitAsync(TimeSpan.FromSeconds(10));
        File.WriteAllText(_watched["a.txt"], "a");
        File.WriteAllText(_watched["b.txt"], "b");
        await Poll.UntilAsync(() => LogLines("ran") == 1, "one run");
        await Poll.StaysAsync(() => LogLines("ran"), 1, 400, "exactly one run for the batch");
        await StopAsync(run);
    }

    [Fact]
    public async Task BadGlob_ExitsOneWithAClearMessage()
    {
        Assert.Equal(1, await Run(Service("[oops")).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("cuttle watch: -g/--glob: bad glob pattern '[oops'", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingCommand_ExitsOneWithAClearMessage()
    {
        Assert.Equal(1, await Run(Service() with { Command = ["no-such-binary-q"] }).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("cuttle watch: cannot start 'no-such-binary-q': executable file not found in $PATH", _output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Log));
    }

    [Fact]
    public async Task ServiceWithSubstitution_IsRejectedAsReflexDoes()
    {
        Assert.Equal(1, await Run(Service() with { Command = ["echo", "{}"] }).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("using --start-service does not work with a command that has a substitution symbol", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_IsPrefixedPerReflex_FancyOnlyOnATerminal()
    {
        var run = Run(new WatchHostOptions { Decoration = Decoration.Fancy, IsTerminal = true }, Service() with { Command = ["sh", "-c", "echo hello; exec sleep 1000"] });
        await Poll.UntilAsync(() => _output.ToString().Contains("\u001b[01;32m[00] hello\u001b[m", StringComparison.Ordinal), "coloured line");
        await StopAsync(run);

        var plain = new SyncWriter();
        using var cts = new CancellationTokenSource();
        var run2 = Task.Run(() => WatchHost.RunAsync([Service() with { Command = ["sh", "-c", "echo hello; exec sleep 1000"] }], new WatchHostOptions { Decoration = Decoration.Fancy, Output = plain, IsTerminal = false }, cts.Token));
        await Poll.UntilAsync(() => plain.Count("[00] hello") == 1, "plain line when not a terminal");
        await cts.CancelAsync();
        await run2.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task RunToEnd(string file, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(file, args);
        await p.WaitForExitAsync();
        Assert.Equal(0, p.ExitCode);
    }
}
