namespace Cuttle.Watch.Reflex;

/// <summary>Process-wide settings of <c>cuttle watch</c> (the flags allowed together with <c>-c</c>, plus host behaviour).</summary>
public sealed record WatchHostOptions
{
    public Decoration Decoration { get; init; } = Decoration.Plain;

    /// <summary><c>-e</c>: one command at a time across all reflexes.</summary>
    public bool Sequential { get; init; }

    /// <summary><c>-v</c>.</summary>
    public bool Verbose { get; init; }

    /// <summary>Forward SIGINT/SIGTERM/SIGHUP/SIGQUIT to the children and exit after cleaning up (the CLI sets this).</summary>
    public bool HandleSignals { get; init; }

    /// <summary>Become a child subreaper and reap orphans (always on when running as PID 1).</summary>
    public bool ReapOrphans { get; init; }

    /// <summary>Where output goes (default: standard output).</summary>
    public TextWriter? Output { get; init; }

    /// <summary>Where start-up errors go (default: standard error, as reflex's log.Fatal).</summary>
    public TextWriter? ErrorOutput { get; init; }

    /// <summary>Whether <see cref="Output"/> is a terminal (colours only then); default: detect.</summary>
    public bool? IsTerminal { get; init; }

    /// <summary>Called once every reflex is watching (and every service started); changes after this are seen.</summary>
    public Action? OnReady { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
