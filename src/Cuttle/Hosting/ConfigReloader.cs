using Cuttle.Config.Diagnostics;
using Cuttle.Watch.Files;

namespace Cuttle.Hosting;

/// <summary>
/// Turns "the file may have changed" into a reload: parse + validate + build off the request path, then swap. An
/// invalid file is rejected with its first error (file:line:column) and the live generation keeps serving.
/// </summary>
internal sealed class ConfigReloader(GatewayServer server, string path)
{
    /// <summary>
    /// With --watch and no --poll, the file is still polled this often as a safety net: bind-mounted single files and
    /// network file systems deliver no inotify events, and one stat per second costs nothing measurable.
    /// </summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _watchGate = new(1, 1);
    private FileChangeWatcher? _watcher;
    private TimeSpan? _pollInterval;
    private IReadOnlyList<string> _watched = [];

    private LiveConsole.ConsoleServer Console => server.LiveConsole;

    /// <summary>Reloads when the configuration's content changed (or always, when a file it pulls in changed).</summary>
    public async Task<ReloadOutcome> ReloadNow(bool force = false)
    {
        var loaded = ConfigSource.Load(path);
        if (!loaded.Success)
        {
            ConfigDiagnostic? first = null;
            foreach (var d in loaded.Diagnostics)
                if (d.Severity == DiagnosticSeverity.Error) { first = d; break; }
            return await server.RejectAsync(first is null ? "invalid configuration" : SecretMask.Apply(first)).ConfigureAwait(false);
        }
        if (!force && loaded.Config!.ContentHash == server.Current.Config.ContentHash)
            return new ReloadOutcome(false, server.Current.Number, null, TimeSpan.Zero, default);
        var outcome = await server.ReloadAsync(loaded.Config!).ConfigureAwait(false);
        if (outcome.Applied && _watcher is not null) await RewatchIfNeededAsync().ConfigureAwait(false);
        return outcome;
    }

    /// <summary>
    /// Watches the configuration file, and the files it pulls in, with the shared watcher pipeline of `cuttle watch`:
    /// every save style (in place, truncate, atomic rename, delete and re-create), a Kubernetes ConfigMap symlink swap,
    /// and polling.
    /// </summary>
    public async Task<IAsyncDisposable> StartWatchingAsync(TimeSpan? pollInterval)
    {
        _pollInterval = pollInterval ?? DefaultPollInterval;
        await RewatchIfNeededAsync().ConfigureAwait(false);
        server.LiveConsole.Watching = true;
        server.LiveConsole.PollInterval = _pollInterval;
        return new Stopper(this);
    }

    private async Task RewatchIfNeededAsync()
    {
        await _watchGate.WaitAsync().ConfigureAwait(false);
        try
        {
            IReadOnlyList<string> wanted = [path, .. ReferencedFiles.Collect(server.Current.Config)];
            if (_watcher is not null && wanted.SequenceEqual(_watched)) return;
            var next = new FileChangeWatcher(new FileChangeWatcherOptions
            {
                Paths = wanted,
                PollInterval = _pollInterval,
                VerifyContent = true,
            }, async (changed, ct) =>
            {
                // A change of a pulled-in file must rebuild even though krakend.json's own bytes are the same.
                var force = false;
                foreach (var c in changed) if (!string.Equals(Path.GetFullPath(c), path, StringComparison.Ordinal)) force = true;
                // Run the reload outside the watcher's callback: it may replace this very watcher.
                _ = Task.Run(() => ReloadNow(force));
                await Task.CompletedTask.ConfigureAwait(false);
            });
            next.Start();
            var old = _watcher;
            _watcher = next;
            _watched = wanted;
            if (old is not null) await old.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _watchGate.Release();
        }
    }

    private sealed class Stopper(ConfigReloader owner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await owner._watchGate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (owner._watcher is { } w) await w.DisposeAsync().ConfigureAwait(false);
                owner._watcher = null;
                owner.Console.Watching = false;
            }
            finally
            {
                owner._watchGate.Release();
            }
        }
    }
}
