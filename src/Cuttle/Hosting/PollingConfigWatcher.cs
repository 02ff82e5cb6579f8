namespace Cuttle.Hosting;

/// <summary>Interim watcher: polls the config file's content hash and reloads on change.</summary>
internal sealed class PollingConfigWatcher : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;

    public PollingConfigWatcher(ConfigReloader reloader, TimeSpan interval)
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(_cts.Token).ConfigureAwait(false))
            {
                try { await reloader.ReloadNow().ConfigureAwait(false); }
                catch (IOException) { }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _cts.Dispose();
    }
}
