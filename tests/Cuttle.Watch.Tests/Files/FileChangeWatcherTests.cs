using Cuttle.Watch.Files;
using Cuttle.Watch.Matching;
using Cuttle.Watch.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Watch.Tests.Files;

/// <summary>
/// Real file-system changes against the public API the gateway host reuses for <c>cuttle run --watch</c>. The
/// debounce runs on a fake clock that the polls move on, so the tests wait for events, not for quiet periods.
/// </summary>
public sealed class FileChangeWatcherTests : IDisposable
{
    // Long enough for a late inotify event to arrive and be processed; the debounce itself elapses at the next poll.
    private const int QuietWindowMs = 150;
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly List<IReadOnlyList<string>> _batches = [];
    private int _rawEvents;

    public void Dispose() => _dir.Dispose();

    private int Batches
    {
        get
        {
            lock (_batches)
            {
                return _batches.Count;
            }
        }
    }

    private async Task<FileChangeWatcher> StartAsync(FileChangeWatcherOptions options)
    {
        var watcher = new FileChangeWatcher(options with { Debounce = TimeSpan.FromMilliseconds(50), TimeProvider = _clock, RawEventObserver = _ => Interlocked.Increment(ref _rawEvents) }, (paths, _) =>
        {
            lock (_batches)
            {
                _batches.Add(paths);
            }

            return Task.CompletedTask;
        });
        watcher.Start();
        await Task.Yield();
        return watcher;
    }

    private async Task ExpectOneBatchAsync(int before, string what)
    {
        await Poll.UntilAsync(() => Batches >= before + 1, what, clock: _clock);
        await Poll.StaysAsync(() => Batches, before + 1, QuietWindowMs, what + " (exactly once)", _clock);
    }

    private IReadOnlyList<string> LastBatch
    {
        get
        {
            lock (_batches)
            {
                return _batches[^1];
            }
        }
    }

    [Fact]
    public async Task SingleFile_InPlaceWrite_ReportedOnce()
    {
        var file = _dir["krakend.json"];
        File.WriteAllText(file, "{\"version\":3}");
        await using var w = await StartAsync(new FileChangeWatcherOptions { Paths = [file] });

        File.AppendAllText(file, " ");
        await ExpectOneBatchAsync(0, "append");
        Assert.Equal([file], LastBatch);
    }

    [Fact]
    public async Task SingleFile_TruncateAndWrite_ReportedOnce()
    {
        var file = _dir["krakend.json"];
        File.WriteAllText(file, "one");
        await using var w = await StartAsync(new FileChangeWatcherOptions { Paths = [file] });

        using (var s = new FileStream(file, FileMode.Truncate))
        {
            s.Write("two"u8);
        }

        await ExpectOneBatchAsync(0, "truncate+write");
    }

    [Fact]
    public async Task SingleFile_AtomicRenameOver_ReportedOnce_AndLaterWritesStillSeen()
    {
        var file = _dir["krakend.json"];
        File.WriteAllText(file, "one");
        await using var w = await StartAsync(new FileChangeWatcherOptions { Paths = [file] });

        File.WriteAllText(_dir["krakend.json.tmp"], "two");
        File.Move(_dir["krakend.json.tmp"], file, overwrite: true);
        await ExpectOneBatchAsync(0, "rename over");

        // The new inode is watched too (a watch on the old inode would be dead now).
        File.AppendAllText(file, "three");
        await ExpectOneBatchAsync(1, "write after rename");
    }

    [Fact]
    public async Task SingleFile_DeleteAndRecreate_ReportedOnce()
    {
        var file = _dir["krakend.json"];
        File.WriteAllText(file, "one");
        await using var w = await StartAsync(new FileChangeWatcherOptions { Paths = [file] });

        File.Delete(file);
        await Poll.StaysAsync(() => Batches, 0, QuietWindowMs, "delete alone does not report (as reflex)", _clock);
        File.WriteAllText(file, "two");
        await ExpectOneBatchAsync(0, "re-create");
    }

    [Fact]
    public async Task SingleFile_TouchOrIdenticalRewrite_NotReported()
    {
        var file = _dir["krakend.json"];
        File.WriteAllText(file, "same");
        await using var w = await StartAsync(new FileChangeWatcherOptions { Paths = [file] });

        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        File.WriteAllText(file, "same");
        File.WriteAllText(_dir["t"], "same");
        File.Move(_dir["t"], file, overwrite: true);
        await Poll.StaysAsync(() => Batches, 0, QuietWindowMs, "no-op changes", _clock);

        File.WriteAllText(file, "different");
        await ExpectOneBatchAsync(0, "real change after no-ops");
    }

    [Fact]
    public async Task SingleFile_KubernetesConfigMapSwap_ReportedOnce()
    {
        // kubelet AtomicWriter layout: key -> ..data/key, ..data -> ..<timestamp>; update swaps ..data by rename.
        Directory.CreateDirectory(_dir["..2026_01"]);
        File.WriteAllText(_dir["..2026_01/krakend.json"], "v1");
        File.CreateSymbolicLink(_dir["..data"], "..2026_01");
        File.CreateSymbolicLink(_dir["krakend.json"], "..data/krakend.json");
        var file = _dir["krakend.json"];
        await using var w = await StartAsync(new FileChangeWatcherOptions { Paths = [file] });

        await SwapAsync("..2026_02", "v2");
        await ExpectOneBatchAsync(0, "first ConfigMap swap");
        await SwapAsync("..2026_03", "v3");
        await ExpectOneBatchAsync(1, "second ConfigMap swap");
        Assert.Equal("v3", File.ReadAllText(file));
    }

    [Fact]
    public async Task Directory_GlobOnSymlinkedConfigMapKey_SeesTheSwapReflexMisses()
    {
        Directory.CreateDirectory(_dir["..2026_01"]);
        File.WriteAllText(_dir["..2026_01/cfg.json"], "v1");
        File.CreateSymbolicLink(_dir["..data"], "..2026_01");
        File.CreateSymbolicLink(_dir["cfg.json"], "..data/cfg.json");
        await using var w = await StartAsync(new FileChangeWatcherOptions { Paths = [_dir.Path], Matcher = PathMatcher.Create(globs: ["cfg.json"]) });

        await SwapAsync("..2026_02", "v2");
        await ExpectOneBatchAsync(0, "ConfigMap swap under -g cfg.json");
        Assert.Equal([_dir.Path + "/cfg.json"], LastBatch);
    }

    [Fact]
    public async Task Directory_NewSubdirectory_IsWatched_AndItsFilesReported()
    {
        await using var w = await StartAsync(new FileChangeWatcherOptions { Paths = [_dir.Path], Matcher = PathMatcher.Create(regexes: [@"\.txt$"]) });

        Directory.CreateDirectory(_dir["new/a/b"]);
        File.WriteAllText(_dir["new/a/b/deep.txt"], "x");
        await ExpectOneBatchAsync(0, "file in a new tree");
        Assert.Contains(_dir.Path + "/new/a/b/deep.txt", LastBatch);

        File.AppendAllText(_dir["new/a/b/deep.txt"], "y");
        await ExpectOneBatchAsync(1, "later write in the new tree");
    }

    [Fact]
    public async Task Directory_BurstOfWrites_IsOneBatch()
    {
        File.WriteAllText(_dir["a.txt"], "0");
        await using var w = await StartAsync(new FileChangeWatcherOptions { Paths = [_dir.Path] });

        for (var i = 1; i <= 10; i++)
        {
            File.WriteAllText(_dir["a.txt"], i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await ExpectOneBatchAsync(0, "burst");
    }

    [Fact]
    public async Task Debounce_HoldsTheBatch_UntilTheQuietPeriodPassesOnTheGivenClock()
    {
        var file = _dir["krakend.json"];
        File.WriteAllText(file, "one");
        var watcher = new FileChangeWatcher(
            new FileChangeWatcherOptions { Paths = [file], Debounce = TimeSpan.FromMinutes(1), TimeProvider = _clock, RawEventObserver = _ => Interlocked.Increment(ref _rawEvents) },
            (paths, _) =>
            {
                lock (_batches)
                {
                    _batches.Add(paths);
                }

                return Task.CompletedTask;
            });
        watcher.Start();
        await using var w = watcher;

        File.AppendAllText(file, "two");
        await Poll.UntilAsync(() => Volatile.Read(ref _rawEvents) > 0, "the file-system event");
        await Poll.StaysAsync(() => Batches, 0, QuietWindowMs, "held while the clock stands still");

        _clock.Advance(TimeSpan.FromMinutes(1));
        await Poll.UntilAsync(() => Batches == 1, "delivered once the quiet minute has passed", clock: _clock);
        Assert.Equal([file], LastBatch);
    }

    [Fact]
    public async Task Poll_DetectsChange_WhenOnlyPollingRuns()
    {
        var file = _dir["krakend.json"];
        File.WriteAllText(file, "one");
        var root = new FileRoot(file);
        var raised = 0;
        root.Start((_, _) => Interlocked.Increment(ref raised));
        root.Dispose(); // no more inotify events: only Poll() can notice now

        File.WriteAllText(file, "two, longer");
        root.Poll();
        Assert.Equal(1, raised);
        var changed = new List<string>();
        root.CollectChanges([file], verifyContent: true, changed);
        Assert.Equal([file], changed);
    }

    [Fact]
    public void Poll_DirectoryRoot_FindsNewChangedAndDeletedFiles_WithoutEvents()
    {
        File.WriteAllText(_dir["keep.txt"], "1");
        File.WriteAllText(_dir["gone.txt"], "1");
        var root = new DirectoryRoot(_dir.Path, PathMatcher.Create());
        var raised = new List<string>();
        root.Start((_, p) =>
        {
            lock (raised)
            {
                raised.Add(p);
            }
        });
        root.Dispose(); // inotify off: only Poll() can notice now
        lock (raised)
        {
            raised.Clear();
        }

        File.WriteAllText(_dir["keep.txt"], "22");
        File.Delete(_dir["gone.txt"]);
        Directory.CreateDirectory(_dir["sub"]);
        File.WriteAllText(_dir["sub/new.txt"], "3");
        root.Poll();

        Assert.Equal(
            new[] { _dir["gone.txt"], _dir["keep.txt"], _dir["sub"], _dir["sub/new.txt"] },
            raised.Order(StringComparer.Ordinal).ToArray());
        var changed = new List<string>();
        root.CollectChanges(raised, verifyContent: true, changed);
        Assert.Equal(new[] { "keep.txt", "sub/", "sub/new.txt" }.Select(p => _dir.Path + "/" + p).Order(StringComparer.Ordinal), changed.Order(StringComparer.Ordinal));
    }

    private async Task SwapAsync(string version, string content)
    {
        Directory.CreateDirectory(_dir[version]);
        File.WriteAllText(_dir[$"{version}/krakend.json"], content);
        File.WriteAllText(_dir[$"{version}/cfg.json"], content);
        File.CreateSymbolicLink(_dir["..data_tmp"], version);
        Posix.Rename(_dir["..data_tmp"], _dir["..data"]);
        foreach (var old in Directory.GetDirectories(_dir.Path, "..20*"))
        {
            if (!old.EndsWith(version, StringComparison.Ordinal))
            {
                Directory.Delete(old, recursive: true);
            }
        }

        await Task.CompletedTask;
    }
}
