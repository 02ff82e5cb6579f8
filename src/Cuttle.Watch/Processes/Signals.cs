namespace Cuttle.Watch.Processes;

/// <summary>Linux signal names and numbers accepted by <c>--signal</c>.</summary>
public static class Signals
{
    private static readonly (string Name, int Number)[] Table =
    [
        ("HUP", 1), ("INT", 2), ("QUIT", 3), ("KILL", 9), ("USR1", 10), ("USR2", 12), ("TERM", 15),
    ];

    public const int SIGINT = 2;
    public const int SIGTERM = 15;

    /// <summary>Parses "TERM", "SIGTERM", "sigterm" or "15".</summary>
    /// <exception cref="WatchException">Unknown name.</exception>
    public static int Parse(string text)
    {
        var name = text.Trim().ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = name[3..];
        }

        foreach (var (n, number) in Table)
        {
            if (n == name)
            {
                return number;
            }
        }

        if (int.TryParse(name, out var value) && value is > 0 and < 65)
        {
            return value;
        }

        throw new WatchException($"unknown signal '{text}' (use HUP, INT, QUIT, KILL, USR1, USR2, TERM or a number)");
    }

    public static string Name(int signal)
    {
        foreach (var (n, number) in Table)
        {
            if (number == signal)
            {
                return "SIG" + n;
            }
        }

        return "signal " + signal;
    }
}
