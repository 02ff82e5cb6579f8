namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."cuttle/console" (Cuttle only, no KrakenD counterpart), service level: the live console, served on its
/// own listener so it can sit on an admin port clients cannot reach. Absent: no console (unless `run --console`).
/// Credentials are never in the file: it names the environment variables that hold them.
/// </summary>
public sealed record ConsoleOptions
{
    /// <summary>The console listener's address as written (Go's host:port; ":0" picks a free port).</summary>
    public string ListenAddress { get; init; } = DefaultListenAddress;

    /// <summary>The parsed host part of <see cref="ListenAddress"/>: empty for every interface.</summary>
    public string ListenHost { get; init; } = "127.0.0.1";

    /// <summary>The parsed port of <see cref="ListenAddress"/> (0: any free port).</summary>
    public int ListenPort { get; init; } = 8091;

    /// <summary>basic_auth.user: the user name basic authentication expects; null without basic auth.</summary>
    public string? BasicAuthUser { get; init; }

    /// <summary>basic_auth.password_env: the environment variable holding the password.</summary>
    public string? BasicAuthPasswordEnv { get; init; }

    /// <summary>token_env: the environment variable holding the bearer token; null without token auth.</summary>
    public string? TokenEnv { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;

    /// <summary>Loopback by default: turning the console on must not expose it to clients.</summary>
    public const string DefaultListenAddress = "127.0.0.1:8091";
}
