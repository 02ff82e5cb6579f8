using Cuttle.Watch.Files;
using Cuttle.Watch.Matching;
using Cuttle.Watch.Processes;

namespace Cuttle.Watch.Reflex;

/// <summary>
/// One reflex: a <see cref="FileChangeWatcher"/> feeding either a service (start now, restart per batch) or a
/// command run per batch (reflex's UnifiedBacklog) or per changed path when the command holds the substitution
/// symbol (UniqueFilesBacklog: each unique path once, sequentially).
/// </summary>
internal sealed class ReflexWatcher : IAsyncDisposable
{
    // A service that dies this many times in a row by itself is started again only after a growing pause.
    private const int CrashesBeforeBackoff = 3;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly int _id;
    private readonly ReflexOptions _options;
    private readonly ReflexOutput _output;
    private readonly SemaphoreSlim? _sequential;
    private readonly bool _verbose;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _runGate = new(1, 1);
    private readonly TaskCompletionSource<int> _serviceEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FileChangeWatcher? _watcher;
    private ChildProcess? _current;
    private bool _stopping;
    private int _crashes;

    public ReflexWatcher(int id, ReflexOptions options, ReflexOutput output, SemaphoreSlim? sequential, bool verbose, TimeProvider time)
    {
        _id = id;
        _options = options;
        _output = output;
        _sequential = sequential;
        _verbose = verbose;
        _time = time;
    }

    /// <summary>Completes with the service's status when it exits by itself and <see cref="ReflexOptions.ExitWithService"/> is set.</summary>
    public Task<int> ServiceEnded => _serviceEnded.Task;

    /// <summary>The status of the last run that ended (null while none has).</summary>
    public int? LastStatus { get; private set; }

    /// <exception cref="WatchException">Bad pattern, missing command, unwatchable path.</exception>
    public async Task StartAsync()
    {
        _options.Validate();
        var matcher = PathMatcher.Create(_options.Globs, _options.Regexes, _options.InverseGlobs, _options.InverseRegexes, _options.All);
        if (!_options.Command[0].Contains(_options.Substitute, StringComparison.Ordinal))
        {
            CommandResolver.Resolve(_options.Command[0]);
        }

        if (_verbose)
        {
            _output.WriteLine(ReflexOutput.Info, $"Reflex from {_options.Source ?? "[commandline]"}");
            _output.WriteLine(ReflexOutput.Info, $"| ID: {_id:00}");
            _output.WriteLine(ReflexOutput.Info, $"| Matcher: {matcher}");
            _output.WriteLine(ReflexOutput.Info, $"| Command: [{string.Join(" ", _options.Command)}]");
        }

        _watcher = new FileChangeWatcher(
            new FileChangeWatcherOptions
            {
                Paths = _options.WatchPaths,
                Matcher = matcher,
                Debounce = _options.Debounce,
                PollInterval = _options.PollInterval,
                TimeProvider = _time,
                // Raw events are not echoed under -v (reflex does): writing -v output into the watched tree would
                // then feed itself forever. The verified batch is printed instead ("changed: ...").
            },
            OnChangedAsync);
        _watcher.Start();
        if (_options.StartService)
        {
            await _runGate.WaitAsync().ConfigureAwait(false);
            try
            {
                StartService();
            }
            finally
            {
                _runGate.Release();
            }
        }
    }

    /// <summary>Stops watching and stops the running command with <paramref name="signal"/>; returns the last status.</summary>
    public async Task<int?> StopAsync(int? signal)
    {
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync().ConfigureAwait(false);
            _watcher = null;
        }

        await _runGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _stopping = true;
            if (_current is { } run)
            {
                _current = null;
                LastStatus = await run.StopAsync(signal ?? _options.StopSignal, _options.ShutdownTimeout, Status, _time).ConfigureAwait(false);
                await run.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _runGate.Release();
        }

        return LastStatus;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(null).ConfigureAwait(false);
        _runGate.Dispose();
    }

    private async Task OnChangedAsync(IReadOnlyList<string> paths, CancellationToken ct)
    {
        var selected = Select(paths);
        if (selected.Count == 0)
        {
            return;
        }

        if (_verbose)
        {
            _output.WriteLine(ReflexOutput.Info, "changed: " + string.Join(", ", selected));
        }

        await _runGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_stopping)
            {
                return;
            }

            if (_options.StartService)
            {
                await RestartAsync(ct).ConfigureAwait(false);
            }
            else if (_options.HasSubstitution)
            {
                foreach (var path in selected)
                {
                    await RunOnceAsync(Substitute(path), ct).ConfigureAwait(false);
                }
            }
            else
            {
                await RunOnceAsync(_options.Command, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _runGate.Release();
        }
    }

    private List<string> Select(IReadOnlyList<string> paths)
    {
        var result = new List<string>(paths.Count);
        foreach (var path in paths)
        {
            var isDir = path.EndsWith('/');
            if ((_options.OnlyFiles && isDir) || (_options.OnlyDirs && !isDir) || result.Contains(path))
            {
                continue;
            }

            result.Add(path);
        }

        return result;
    }

    private async Task RestartAsync(CancellationToken ct)
    {
        if (_current is { } run)
        {
            _current = null;
            _output.WriteLine(_id, "Killing service");
            var stillRunning = !run.Exited.IsCompleted;
            // Not cancellable: a half-finished stop would leave the old service running unowned.
            LastStatus = await run.StopAsync(_options.StopSignal, _options.ShutdownTimeout, Status, _time, CancellationToken.None).ConfigureAwait(false);
            await run.DisposeAsync().ConfigureAwait(false);
            if (stillRunning)
            {
                _crashes = 0;
            }
        }

        if (_crashes >= CrashesBeforeBackoff)
        {
            var pause = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 500 * Math.Pow(2, _crashes - CrashesBeforeBackoff)));
            _output.WriteLine(_id, $"service keeps crashing ({_crashes} exits in a row, last: exit status {LastStatus}); waiting {pause.TotalSeconds:0.#}s before starting it again");
            await Task.Delay(pause, _time, ct).ConfigureAwait(false);
        }

        StartService();
    }

    private void StartService()
    {
        _output.WriteLine(_id, "Starting service");
        ChildProcess run;
        try
        {
            run = ChildProcess.Start(_options.Command, line => _output.WriteLine(_id, line));
        }
        catch (WatchException ex)
        {
            _output.WriteLine(_id, "error: " + ex.Message);
            return;
        }

        _current = run;
        _ = run.Exited.ContinueWith(t => OnServiceExited(run, t.Result), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnServiceExited(ChildProcess run, int status)
    {
        // Only exits nobody asked for: a restart or shutdown clears _current before signalling.
        if (!ReferenceEquals(Volatile.Read(ref _current), run) || _stopping)
        {
            return;
        }

        LastStatus = status;
        if (status != 0)
        {
            _crashes++;
            _output.WriteLine(_id, $"(error exit: exit status {status})");
        }
        else
        {
            _crashes = 0;
        }

        if (_options.ExitWithService)
        {
            _serviceEnded.TrySetResult(status);
        }
    }

    private async Task RunOnceAsync(IReadOnlyList<string> argv, CancellationToken ct)
    {
        if (_sequential is not null)
        {
            await _sequential.WaitAsync(ct).ConfigureAwait(false);
        }

        try
        {
            ChildProcess run;
            try
            {
                run = ChildProcess.Start(argv, line => _output.WriteLine(_id, line));
            }
            catch (WatchException ex)
            {
                _output.WriteLine(_id, "error: " + ex.Message);
                return;
            }

            _current = run;
            var status = await run.Exited.WaitAsync(ct).ConfigureAwait(false);
            _current = null;
            LastStatus = status;
            if (status != 0)
            {
                _output.WriteLine(_id, $"(error exit: exit status {status})");
            }

            await run.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _sequential?.Release();
        }
    }

    private string[] Substitute(string path)
    {
        var argv = new string[_options.Command.Count];
        for (var i = 0; i < argv.Length; i++)
        {
            argv[i] = _options.Command[i].Replace(_options.Substitute, path, StringComparison.Ordinal);
        }

        return argv;
    }

    private void Status(string text) => _output.WriteLine(_id, text);
}
