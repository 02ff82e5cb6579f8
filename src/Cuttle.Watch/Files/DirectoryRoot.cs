using Cuttle.Watch.Matching;

namespace Cuttle.Watch.Files;

/// <summary>
/// A directory watched recursively, as reflex watches ".": names are matched relative to it. Beyond reflex, files that
/// are symlinks (ConfigMap keys) are re-checked on every batch, so re-pointing their target is seen even though no
/// event names them; and files inside a newly created or moved-in directory are reported without events of their own.
/// </summary>
internal sealed class DirectoryRoot : WatchRoot
{
    private readonly string _root;          // full path, no trailing separator
    private readonly string _displayPrefix; // "" for ".", otherwise the path as given plus '/'
    private readonly PathMatcher _matcher;
    private readonly Dictionary<string, Fingerprint> _snapshot = new(StringComparer.Ordinal);
    private readonly HashSet<string> _symlinks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public DirectoryRoot(string path, PathMatcher matcher)
    {
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var trimmed = path.TrimEnd('/');
        _displayPrefix = trimmed is "." or "" ? string.Empty : trimmed + "/";
        _matcher = matcher;
    }

    protected override void StartWatching() => AddWatcher(_root, "*", recursive: true);

    protected override void TakeSnapshot()
    {
        lock (_gate)
        {
            Walk(_root, (full, fp) =>
            {
                _snapshot[full] = fp;
                return true;
            });
        }
    }

    public override void CollectChanges(IReadOnlyCollection<string> candidates, bool verifyContent, List<string> changed)
    {
        lock (_gate)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in candidates)
            {
                Check(path, verifyContent, changed, seen);
            }

            if (_symlinks.Count > 0)
            {
                foreach (var link in _symlinks.ToArray())
                {
                    Check(link, verifyContent, changed, seen);
                }
            }
        }
    }

    public override void Poll()
    {
        List<string> differing = [];
        lock (_gate)
        {
            var present = new HashSet<string>(StringComparer.Ordinal);
            Walk(_root, (full, fp) =>
            {
                present.Add(full);
                if (!_snapshot.TryGetValue(full, out var old) || !old.SameStat(fp))
                {
                    differing.Add(full);
                }

                return false;
            }, hash: false);
            foreach (var known in _snapshot.Keys)
            {
                if (!present.Contains(known))
                {
                    differing.Add(known);
                }
            }
        }

        foreach (var path in differing)
        {
            Raise(path);
        }
    }

    private void Check(string full, bool verifyContent, List<string> changed, HashSet<string> seen)
    {
        if (!seen.Add(full) || full.Length <= _root.Length || !full.StartsWith(_root, StringComparison.Ordinal) || full[_root.Length] != '/')
        {
            return;
        }

        var relative = full[(_root.Length + 1)..];
        var fp = Fingerprint.Read(full, hash: false);
        if (fp is null)
        {
            // Deleted, or the source name of a rename: reflex drops these (its os.Stat fails); forget the old
            // content so a re-created file counts as new.
            _snapshot.Remove(full);
            _symlinks.Remove(full);
            return;
        }

        if (fp.Value.IsDirectory)
        {
            var isNew = !_snapshot.ContainsKey(full);
            _snapshot[full] = fp.Value;
            if (isNew && !IsLink(full))
            {
                var display = relative + "/";
                if (!_matcher.ExcludesDirectory(display) && _matcher.IsMatch(display))
                {
                    changed.Add(_displayPrefix + display);
                }

                // A new (or moved-in) tree: its files may predate the watch on it, so look at them now.
                Walk(full, (child, _) =>
                {
                    Check(child, verifyContent, changed, seen);
                    return false;
                }, hash: false);
            }

            return;
        }

        if (!_matcher.IsMatch(relative) || IsPruned(relative))
        {
            return;
        }

        if (IsLink(full))
        {
            _symlinks.Add(full);
        }

        var hashed = verifyContent ? Fingerprint.Read(full, hash: true) ?? fp.Value : fp.Value;
        var known = _snapshot.TryGetValue(full, out var old);
        _snapshot[full] = hashed;
        var isChange = !known || (verifyContent ? old.ContentDiffers(hashed) : !old.SameStat(hashed));
        if (isChange)
        {
            changed.Add(_displayPrefix + relative);
        }
    }

    private bool IsPruned(string relativeFile)
    {
        for (var i = relativeFile.IndexOf('/'); i >= 0; i = relativeFile.IndexOf('/', i + 1))
        {
            if (_matcher.ExcludesDirectory(relativeFile[..(i + 1)]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLink(string full)
    {
        try
        {
            return new FileInfo(full).LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Walks like reflex's filepath.Walk: symlinked directories are not descended (no loops), pruned directories are
    /// skipped; matching files (symlinks followed) and all directories are passed to <paramref name="visit"/>.
    /// </summary>
    private void Walk(string directory, Func<string, Fingerprint, bool> visit, bool hash = true)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(directory);
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        foreach (var entry in entries)
        {
            var relative = entry[(_root.Length + 1)..];
            var isLink = IsLink(entry);
            var fp = Fingerprint.Read(entry, hash: false);
            if (fp is null)
            {
                continue;
            }

            if (fp.Value.IsDirectory)
            {
                if (_matcher.ExcludesDirectory(relative + "/"))
                {
                    continue;
                }

                visit(entry, fp.Value);
                if (!isLink)
                {
                    Walk(entry, visit, hash);
                }

                continue;
            }

            if (!_matcher.IsMatch(relative))
            {
                continue;
            }

            if (isLink)
            {
                _symlinks.Add(entry);
            }

            visit(entry, hash ? Fingerprint.Read(entry, hash: true) ?? fp.Value : fp.Value);
        }
    }
}
