namespace Cuttle.Watch.Files;

/// <summary>One watched path: turns raw events (and polls) into candidate paths, and candidates into verified changes.</summary>
internal abstract class WatchRoot : IDisposable
{
    private readonly List<FileSystemWatcher> _watchers = [];
    private Action<WatchRoot, string>? _sink;

    /// <summary>Starts delivering raw event paths to <paramref name="sink"/>, then records the initial state.</summary>
    public void Start(Action<WatchRoot, string> sink)
    {
        _sink = sink;
        StartWatching();
        TakeSnapshot();
    }

    /// <summary>Records what exists now, so later checks can tell real content changes from no-ops.</summary>
    protected abstract void TakeSnapshot();

    protected abstract void StartWatching();

    /// <summary>Compares the candidates (and anything this root always re-checks) with the snapshot; appends changed display paths.</summary>
    public abstract void CollectChanges(IReadOnlyCollection<string> candidates, bool verifyContent, List<string> changed);

    /// <summary>Finds paths whose size/mtime/existence differ from the snapshot without any event (polling, or after an overflow).</summary>
    public abstract void Poll();

    protected void Raise(string fullPath) => _sink?.Invoke(this, fullPath);

    protected FileSystemWatcher AddWatcher(string directory, string filter, bool recursive)
    {
        var fsw = new FileSystemWatcher(directory, filter)
        {
            IncludeSubdirectories = recursive,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            InternalBufferSize = 64 * 1024,
        };
        fsw.Changed += OnEvent;
        fsw.Created += OnEvent;
        fsw.Deleted += OnEvent;
        fsw.Renamed += OnRenamed;
        fsw.Error += OnError;
        fsw.EnableRaisingEvents = true;
        lock (_watchers)
        {
            _watchers.Add(fsw);
        }

        return fsw;
    }

    protected void RemoveWatcher(FileSystemWatcher fsw)
    {
        lock (_watchers)
        {
            _watchers.Remove(fsw);
        }

        fsw.EnableRaisingEvents = false;
        fsw.Dispose();
    }

    public virtual void Dispose()
    {
        FileSystemWatcher[] all;
        lock (_watchers)
        {
            all = [.. _watchers];
            _watchers.Clear();
        }

        foreach (var fsw in all)
        {
            fsw.EnableRaisingEvents = false;
            fsw.Dispose();
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => Raise(e.FullPath);

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        // A rename is a delete of the old name and a create of the new one (atomic saves arrive this way).
        Raise(e.OldFullPath);
        Raise(e.FullPath);
    }

    // The kernel queue overflowed or a watched directory vanished: events were lost, so compare everything instead.
    private void OnError(object sender, ErrorEventArgs e) => Poll();
}
