namespace Cuttle.Watch.Files;

/// <summary>
/// One file watched by name. inotify watches inodes, so a watch on the file itself dies when an editor renames a new
/// file over it or when kubelet swaps a ConfigMap's <c>..data</c> link (only DELETE_SELF arrives; see the reference on
/// ConfigMap volumes). Instead the parent directory is watched, plus the directory the name currently resolves to
/// (so writes through a symlink chain are seen), and every batch re-reads the file through its links.
/// </summary>
internal sealed class FileRoot : WatchRoot
{
    private readonly string _display;
    private readonly string _full;
    private readonly string _parent;
    private readonly Lock _gate = new();
    private Fingerprint? _last;
    private string? _targetDirectory;
    private FileSystemWatcher? _targetWatcher;

    public FileRoot(string path)
    {
        _display = path;
        _full = Path.GetFullPath(path);
        _parent = Path.GetDirectoryName(_full) ?? "/";
        if (!Directory.Exists(_parent))
        {
            throw new WatchException($"cannot watch '{path}': directory '{Path.GetDirectoryName(path)}' does not exist");
        }
    }

    protected override void StartWatching()
    {
        AddWatcher(_parent, "*", recursive: false);
        FollowTarget();
    }

    protected override void TakeSnapshot()
    {
        lock (_gate)
        {
            _last = Fingerprint.Read(_full, hash: true);
        }
    }

    public override void CollectChanges(IReadOnlyCollection<string> candidates, bool verifyContent, List<string> changed)
    {
        lock (_gate)
        {
            var now = Fingerprint.Read(_full, hash: verifyContent);
            var old = _last;
            _last = now;
            if (now is { } n && (old is not { } o || (verifyContent ? o.ContentDiffers(n) : !o.SameStat(n))))
            {
                changed.Add(_display);
            }
        }

        FollowTarget();
    }

    public override void Poll()
    {
        Fingerprint? old;
        lock (_gate)
        {
            old = _last;
        }

        var now = Fingerprint.Read(_full, hash: false);
        if (now.HasValue != old.HasValue || (now is { } n && old is { } o && !n.SameStat(o)))
        {
            Raise(_full);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _targetWatcher = null;
    }

    /// <summary>Keeps a watch on the directory holding the file the name resolves to now (ConfigMap: <c>..2026_xx/</c>).</summary>
    private void FollowTarget()
    {
        string? targetDirectory = null;
        try
        {
            var info = new FileInfo(_full);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                // Resolve the directory's own links too, so the watch lands on the real directory inode.
                var dir = Path.GetDirectoryName(target.FullName);
                targetDirectory = dir is null ? null : ResolveDirectory(dir);
            }
        }
        catch (IOException)
        {
        }

        if (targetDirectory == _parent || targetDirectory == _targetDirectory)
        {
            return;
        }

        if (_targetWatcher is not null)
        {
            RemoveWatcher(_targetWatcher);
            _targetWatcher = null;
        }

        _targetDirectory = targetDirectory;
        if (targetDirectory is not null && Directory.Exists(targetDirectory))
        {
            try
            {
                _targetWatcher = AddWatcher(targetDirectory, "*", recursive: false);
            }
            catch (ArgumentException)
            {
                _targetDirectory = null;
            }
        }
    }

    private static string ResolveDirectory(string dir)
    {
        var info = new DirectoryInfo(dir);
        return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } t ? t.FullName : info.FullName;
    }
}
