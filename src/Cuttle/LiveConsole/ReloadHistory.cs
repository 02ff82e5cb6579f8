using System.Text.RegularExpressions;
using Cuttle.Config.Model;
using Cuttle.Hosting;

namespace Cuttle.LiveConsole;

/// <summary>
/// The last <see cref="Capacity"/> reload attempts, newest first, for the console's reload panel. The host records
/// into it whether or not the console is on (a reload is rare, and the panel must show the history from the start when
/// the console is turned on by a reload); writers are the reload path, serialized by its gate, readers the console, so
/// a lock around a small list is all it needs. <see cref="Version"/> changes with every write, which is what the
/// console's event stream watches.
/// </summary>
internal sealed partial class ReloadHistory
{
    public const int Capacity = 100;

    private readonly object _lock = new();
    private readonly List<ReloadEntry> _entries = [];
    private long _nextId = 1;
    private int _applied;
    private int _rejected;

    /// <summary>Changes with every write (the id of the newest entry, or a drain time filled in).</summary>
    public long Version { get; private set; }

    public void Started(long generation, string hash, DateTimeOffset at)
        => Add(id => new ReloadEntry(id, at, "started", generation, hash, 0, null, null, null, null, null), applied: false, rejected: false);

    public long Applied(long generation, string hash, DateTimeOffset at, TimeSpan duration, GatewayConfig before, GatewayConfig after)
        => Add(id => new ReloadEntry(id, at, "applied", generation, hash, duration.TotalMilliseconds, null, Diff(before, after), null, null, null),
            applied: true, rejected: false);

    /// <summary>A rejected reload: the (masked) error, and where it points, with the offending lines of the file.</summary>
    public void Rejected(long liveGeneration, DateTimeOffset at, string error)
    {
        var location = Locate(error);
        var excerpt = location is null ? null : Excerpt(location);
        Add(id => new ReloadEntry(id, at, "rejected", liveGeneration, null, 0, null, null, error, location, excerpt), applied: false, rejected: true);
    }

    /// <summary>The time the generation retired by reload <paramref name="id"/> took to drain.</summary>
    public void Drained(long id, TimeSpan drain)
    {
        lock (_lock)
        {
            var i = _entries.FindIndex(e => e.Id == id);
            if (i < 0) return;
            _entries[i] = _entries[i] with { DrainMs = drain.TotalMilliseconds };
            Version++;
        }
    }

    public ReloadsView View()
    {
        lock (_lock) return new ReloadsView([.. _entries], _applied, _rejected);
    }

    private long Add(Func<long, ReloadEntry> make, bool applied, bool rejected)
    {
        lock (_lock)
        {
            var entry = make(_nextId++);
            _entries.Insert(0, entry);
            if (_entries.Count > Capacity) _entries.RemoveAt(_entries.Count - 1);
            if (applied) _applied++;
            if (rejected) _rejected++;
            Version++;
            return entry.Id;
        }
    }

    /// <summary>Endpoints by "METHOD /path": added, removed, and changed (<see cref="EndpointDiff.SameShape"/>).</summary>
    internal static RouteDiffView Diff(GatewayConfig before, GatewayConfig after)
    {
        var old = new Dictionary<string, EndpointConfig>(StringComparer.Ordinal);
        foreach (var e in before.Endpoints) old[e.Method + " " + e.Endpoint] = e;
        List<string> added = [], changed = [];
        foreach (var e in after.Endpoints)
        {
            var key = e.Method + " " + e.Endpoint;
            if (!old.Remove(key, out var previous)) added.Add(key);
            else if (!EndpointDiff.SameShape(previous, e)) changed.Add(key);
        }
        List<string> removed = [.. old.Keys];
        removed.Sort(StringComparer.Ordinal);
        return new RouteDiffView(added, removed, changed);
    }

    /// <summary>The first file:line:col in an error (a diagnostic starts with one; a build error quotes the node's).</summary>
    internal static ErrorLocationView? Locate(string error)
    {
        var m = FileLineColumn().Match(error);
        if (!m.Success) return null;
        return new ErrorLocationView(m.Groups["file"].Value, int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(m.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Two lines either side of the error's line, masked like every other text the console shows.</summary>
    internal static List<ExcerptLine>? Excerpt(ErrorLocationView location)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(location.File);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
        if (location.Line < 1 || location.Line > lines.Length) return null;
        var list = new List<ExcerptLine>();
        for (var n = Math.Max(1, location.Line - 2); n <= Math.Min(lines.Length, location.Line + 2); n++)
        {
            var text = lines[n - 1];
            if (text.Length > 300) text = text[..300] + "…";
            list.Add(new ExcerptLine(n, SecretMask.Apply(text), n == location.Line));
        }
        return list;
    }

    [GeneratedRegex(@"(?<file>(?:[A-Za-z]:)?[^\s:()""']+):(?<line>\d+):(?<col>\d+)")]
    private static partial Regex FileLineColumn();
}
