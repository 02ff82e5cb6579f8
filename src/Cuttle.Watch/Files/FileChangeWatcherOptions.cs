using Cuttle.Watch.Matching;

namespace Cuttle.Watch.Files;

/// <summary>What a <see cref="FileChangeWatcher"/> watches and how it batches.</summary>
public sealed record FileChangeWatcherOptions
{
    /// <summary>
    /// Directories (watched recursively, paths filtered by <see cref="Matcher"/>) or single files (watched by name:
    /// replaced by rename, deleted and re-created, or a symlink re-pointed as in a Kubernetes ConfigMap volume).
    /// reflex always watches ".", the default.
    /// </summary>
    public IReadOnlyList<string> Paths { get; init; } = ["."];

    /// <summary>Filter for paths below directory roots (relative, '/'-separated, directories end in '/'). Single files always pass.</summary>
    public PathMatcher Matcher { get; init; } = PathMatcher.All;

    /// <summary>
    /// Trailing-edge quiet period: a batch is delivered once no event arrived for this long (reflex uses a fixed 300 ms;
    /// 100 ms still folds an editor's write-rename-chmod burst into one batch and halves the restart latency).
    /// </summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>When set, also poll size and mtime at this interval, for file systems that deliver no inotify events.</summary>
    public TimeSpan? PollInterval { get; init; }

    /// <summary>When true (default) a path is reported only if its content hash changed (touch and identical rewrites are dropped).</summary>
    public bool VerifyContent { get; init; } = true;

    /// <summary>Clock for the debounce and the poll timer.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Called for every raw file-system event (for <c>-v</c>); must be cheap and thread-safe.</summary>
    public Action<string>? RawEventObserver { get; init; }
}
