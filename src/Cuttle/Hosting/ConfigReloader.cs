using Cuttle.Config.Diagnostics;

namespace Cuttle.Hosting;

/// <summary>
/// Turns "the file may have changed" into a reload: parse + validate + build off the request path, then swap. An
/// invalid file is rejected with its first error (file:line:column) and the live generation keeps serving.
/// </summary>
internal sealed class ConfigReloader(GatewayServer server, string path)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path => path;

    public async Task<ReloadOutcome> ReloadNow()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var loaded = ConfigSource.Load(path);
            if (!loaded.Success)
            {
                ConfigDiagnostic? first = null;
                foreach (var d in loaded.Diagnostics)
                    if (d.Severity == DiagnosticSeverity.Error) { first = d; break; }
                return server.Reject(first?.ToString() ?? "invalid configuration");
            }
            if (loaded.Config!.ContentHash == server.Current.Config.ContentHash)
                return new ReloadOutcome(false, server.Current.Number, null, TimeSpan.Zero, default);
            return server.Reload(loaded.Config);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts watching the file; replaced by the shared watcher pipeline when available.</summary>
    public IAsyncDisposable StartWatching(TimeSpan? pollInterval) => new PollingConfigWatcher(this, pollInterval ?? TimeSpan.FromMilliseconds(250));
}
