namespace Cuttle.Testing;

/// <summary>Where a test finds a program it starts as a child process (a server the test needs).</summary>
public static class Executables
{
    /// <summary>
    /// The first <paramref name="name"/> on PATH, then in <paramref name="alsoIn"/> (sbin directories are not on a
    /// normal user's PATH), or null when it is not installed.
    /// </summary>
    public static string? Find(string name, params string[] alsoIn)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(alsoIn))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
                return path;
        }
        return null;
    }
}
