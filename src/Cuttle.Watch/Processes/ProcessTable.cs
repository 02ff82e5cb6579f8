namespace Cuttle.Watch.Processes;

/// <summary>A snapshot of /proc: enough to find a service's descendants, including those that left its group via setsid.</summary>
internal static class ProcessTable
{
    internal readonly record struct Entry(int Pid, int ParentPid, int Group, char State);

    public static List<Entry> Read()
    {
        var result = new List<Entry>();
        IEnumerable<string> dirs;
        try
        {
            dirs = Directory.EnumerateDirectories("/proc");
        }
        catch (IOException)
        {
            return result;
        }

        foreach (var dir in dirs)
        {
            var name = Path.GetFileName(dir.AsSpan());
            if (!int.TryParse(name, out var pid))
            {
                continue;
            }

            if (TryReadStat(pid, out var entry))
            {
                result.Add(entry);
            }
        }

        return result;
    }

    public static bool TryReadStat(int pid, out Entry entry)
    {
        entry = default;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) S ppid pgrp ..." where comm may hold spaces and parentheses: parse after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 >= stat.Length)
        {
            return false;
        }

        var fields = stat[(close + 2)..].Split(' ', 4);
        if (fields.Length < 3 || !int.TryParse(fields[1], out var ppid) || !int.TryParse(fields[2], out var pgrp))
        {
            return false;
        }

        entry = new Entry(pid, ppid, pgrp, fields[0][0]);
        return true;
    }

    /// <summary>Live (non-zombie) processes in <paramref name="root"/>'s group or below it in the tree.</summary>
    public static List<int> Descendants(int root)
    {
        var all = Read();
        var found = new List<int>();
        var queue = new Queue<int>();
        queue.Enqueue(root);
        var seen = new HashSet<int> { root };
        while (queue.Count > 0)
        {
            var parent = queue.Dequeue();
            foreach (var e in all)
            {
                if ((e.ParentPid == parent || e.Group == root) && seen.Add(e.Pid))
                {
                    queue.Enqueue(e.Pid);
                    if (e.State != 'Z')
                    {
                        found.Add(e.Pid);
                    }
                }
            }
        }

        return found;
    }

    public static bool IsAlive(int pid) => TryReadStat(pid, out var e) && e.State != 'Z' && e.State != 'X';
}
