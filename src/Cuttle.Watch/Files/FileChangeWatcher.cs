using System.Threading.Channels;

namespace Cuttle.Watch.Files;

/// <summary>
/// Watches directories and single files and calls back with batches of paths whose content really changed.
/// Pipeline: FileSystemWatcher events (+ optional polling) → debounce (trailing, via <see cref="TimeProvider"/>) →
/// filter and content check (size, mtime, SHA-256) → <c>onChanged</c>. Events that arrive while the callback runs
/// are kept and form the next batch (reflex's backlog never loses a change made during a run either).
/// </summary>
public sealed class FileChangeWatcher : IAsyncDisposable
{
    private readonly FileChangeWatcherOptions _options;
    private readonly Func<IReadOnlyList<string>, CancellationToken, Task> _onChanged;
    private readonly Channel<(WatchRoot Root, string Path)> _events =
        Channel.CreateUnbounded<(WatchRoot, string)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<WatchRoot> _roots = [];
    private Task _loop = Task.CompletedTask;
    private Task _poller = Task.CompletedTask;

    /// <param name="options">What to watch.</param>
    /// <param name="onChanged">Receives display paths (relative to a directory root, or a file root as given); awaited before the next batch.</param>
    public FileChangeWatcher(FileChangeWatcherOptions options, Func<IReadOnlyList<string>, CancellationToken, Task> onChanged)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(onChanged);
        _options = options;
        _onChanged = onChanged;
    }

    /// <summary>Installs the watches and records the current content. Changes from this point on are reported.</summary>
    /// <exception cref="WatchException">A path does not exist or cannot be watched.</exception>
    public void Start()
    {
        foreach (var path in _options.Paths)
        {
            WatchRoot root;
            if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
            {
                root = new DirectoryRoot(path, _options.Matcher);
            }
            else if (File.Exists(path) || new FileInfo(path).LinkTarget is not null || Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
            {
                root = new FileRoot(path);
            }
            else
            {
                throw new WatchException($"cannot watch '{path}': no such file or directory");
            }

            try
            {
                root.Start(OnRawEvent);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                root.Dispose();
                throw new WatchException($"cannot watch '{path}': {ex.Message} (inotify limits: fs.inotify.max_user_watches / max_user_instances)", ex);
            }

            _roots.Add(root);
        }

        _loop = Task.Run(() => RunAsync(_stopping.Token));
        if (_options.PollInterval is { } interval)
        {
            _poller = Task.Run(() => PollAsync(interval, _stopping.Token));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _events.Writer.TryComplete();
        foreach (var root in _roots)
        {
            root.Dispose();
        }

        try
        {
            await Task.WhenAll(_loop, _poller).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private void OnRawEvent(WatchRoot root, string path)
    {
        _options.RawEventObserver?.Invoke(path);
        _events.Writer.TryWrite((root, path));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var reader = _events.Reader;
        var pending = new Dictionary<WatchRoot, HashSet<string>>();
        var changed = new List<string>();
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            Drain(reader, pending);

            // Trailing-edge debounce, as reflex's batch(): each new event restarts the quiet period.
            while (true)
            {
                using var quiet = new CancellationTokenSource(_options.Debounce, _options.TimeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, quiet.Token);
                try
                {
                    if (!await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                    {
                        break;
                    }

                    Drain(reader, pending);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    break;
                }
            }

            changed.Clear();
            foreach (var (root, paths) in pending)
            {
                root.CollectChanges(paths, _options.VerifyContent, changed);
                paths.Clear();
            }

            if (changed.Count > 0)
            {
                await _onChanged([.. changed], ct).ConfigureAwait(false);
            }
        }
    }

    private static void Drain(ChannelReader<(WatchRoot Root, string Path)> reader, Dictionary<WatchRoot, HashSet<string>> pending)
    {
        while (reader.TryRead(out var item))
        {
            if (!pending.TryGetValue(item.Root, out var set))
            {
                set = new HashSet<string>(StringComparer.Ordinal);
                pending[item.Root] = set;
            }

            set.Add(item.Path);
        }
    }

    private async Task PollAsync(TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, _options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                foreach (var root in _roots)
                {
                    root.Poll();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
