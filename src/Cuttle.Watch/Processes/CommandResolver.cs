namespace Cuttle.Watch.Processes;

/// <summary>Finds an executable as exec.LookPath does for reflex, so "not found" is reported before anything runs.</summary>
internal static class CommandResolver
{
    /// <exception cref="WatchException">Not found, or not executable.</exception>
    public static string Resolve(string command)
    {
        if (command.Length == 0)
        {
            throw new WatchException("must give command to execute");
        }

        if (command.Contains('/'))
        {
            return CheckExecutable(Path.GetFullPath(command), command);
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin").Split(':'))
        {
            var candidate = Path.Join(dir.Length == 0 ? "." : dir, command);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new WatchException($"cannot start '{command}': executable file not found in $PATH");
    }

    private static string CheckExecutable(string full, string given)
    {
        if (!File.Exists(full))
        {
            throw new WatchException($"cannot start '{given}': no such file");
        }

        if (!IsExecutable(full))
        {
            throw new WatchException($"cannot start '{given}': permission denied (not executable)");
        }

        return full;
    }

    private static bool IsExecutable(string path) => OperatingSystem.IsWindows() ||
        (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
