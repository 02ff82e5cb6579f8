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

    public async Task<ReloadOutcome> ReloadNow()
    {
        var loaded = ConfigSource.Load(path);
        if (!loaded.Success)
        {
            ConfigDiagnostic? first = null;
            foreach (var d in loaded.Diagnostics)
                if (d.Severity == DiagnosticSeverity.Error) { first = d; break; }
            return await server.RejectAsync(first?.ToString() ?? "invalid configuration").ConfigureAwait(false);
        }
        if (loaded.Config!.ContentHash == server.Current.Config.ContentHash)
            return new ReloadOutcome(false, server.Current.Number, null, TimeSpan.Zero, default);
        return await server.ReloadAsync(loaded.Config).ConfigureAwait(false);
    }

    /// <summary>
    /// Watches the configuration file with the shared watcher pipeline of `cuttle watch`: every save style (in place,
    /// truncate, atomic rename, delete and re-create), a Kubernetes ConfigMap symlink swap, and polling.
    /// </summary>
    public async Task<IAsyncDisposable> StartWatchingAsync(TimeSpan? pollInterval)
    {
        var watcher = new FileChangeWatcher(new FileChangeWatcherOptions
        {
            Paths = [path],
            PollInterval = pollInterval ?? DefaultPollInterval,
            VerifyContent = true,
        }, async (_, _) => await ReloadNow().ConfigureAwait(false));
        watcher.Start();
        await Task.CompletedTask.ConfigureAwait(false);
        return watcher;
    }
}
