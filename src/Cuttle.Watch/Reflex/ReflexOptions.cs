using Cuttle.Watch.Processes;

namespace Cuttle.Watch.Reflex;

/// <summary>One watcher ("reflex"): the flags of one command line or one config-file line.</summary>
public sealed record ReflexOptions
{
    public IReadOnlyList<string> Globs { get; init; } = [];
    public IReadOnlyList<string> Regexes { get; init; } = [];
    public IReadOnlyList<string> InverseGlobs { get; init; } = [];
    public IReadOnlyList<string> InverseRegexes { get; init; } = [];

    /// <summary><c>-s</c>: run the command at start and restart it on each batch.</summary>
    public bool StartService { get; init; }

    /// <summary><c>-t</c>: wait between the stop signal, its repeat, and SIGKILL (reflex default 500 ms).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>--substitute</c>: replaced by the changed path in every argument (reflex default "{}").</summary>
    public string Substitute { get; init; } = "{}";

    public bool OnlyFiles { get; init; }
    public bool OnlyDirs { get; init; }

    /// <summary><c>--all</c>: no default excludes of VCS and editor files.</summary>
    public bool All { get; init; }

    /// <summary>The command and its arguments (everything after <c>--</c>); run without a shell.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary><c>-w</c>: directories or single files to watch (reflex always watches ".").</summary>
    public IReadOnlyList<string> WatchPaths { get; init; } = ["."];

    /// <summary><c>--debounce</c>: quiet period that ends a batch (reflex: fixed 300 ms).</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary><c>--poll</c>: also poll at this interval.</summary>
    public TimeSpan? PollInterval { get; init; }

    /// <summary><c>--signal</c>: stop signal (reflex: ^C through its pty, i.e. SIGINT).</summary>
    public int StopSignal { get; init; } = Signals.SIGINT;

    /// <summary><c>--exit-with-service</c>: when the service exits by itself, stop watching and exit with its status.</summary>
    public bool ExitWithService { get; init; }

    /// <summary>Where this reflex came from ("reflex.conf, line 3"), for messages.</summary>
    public string? Source { get; init; }

    /// <summary>reflex's NewReflex checks, with its messages.</summary>
    /// <exception cref="WatchException">The combination is invalid.</exception>
    public void Validate()
    {
        var where = Source is null ? string.Empty : $"{Source}: ";
        if (Command.Count == 0 || Command[0].Length == 0)
        {
            throw new WatchException(where + "must give command to execute (put it after --, e.g. cuttle watch -s -- ./server)");
        }

        if (Substitute.Length == 0)
        {
            throw new WatchException(where + "substitution symbol must be non-empty");
        }

        if (StartService && HasSubstitution)
        {
            throw new WatchException(where + "using --start-service does not work with a command that has a substitution symbol");
        }

        if (OnlyFiles && OnlyDirs)
        {
            throw new WatchException(where + "cannot specify both --only-files and --only-dirs");
        }

        if (ShutdownTimeout <= TimeSpan.Zero)
        {
            throw new WatchException(where + "--shutdown-timeout must be positive");
        }

        if (Debounce < TimeSpan.Zero)
        {
            throw new WatchException(where + "--debounce must not be negative");
        }

        if (PollInterval is { } p && p < TimeSpan.FromMilliseconds(10))
        {
            throw new WatchException(where + "--poll must be at least 10ms");
        }
    }

    internal bool HasSubstitution
    {
        get
        {
            foreach (var arg in Command)
            {
                if (arg.Contains(Substitute, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
