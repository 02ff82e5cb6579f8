using System.Net;

namespace Cuttle.Hosting;

/// <summary>Host settings that come from the command line rather than the configuration file.</summary>
internal sealed record ServerOptions
{
    public bool Debug { get; init; }

    /// <summary>`-p PORT`: overrides the config's port (and KRAKEND_PORT).</summary>
    public int? PortOverride { get; init; }

    /// <summary>Forces the listen address (tests bind 127.0.0.1).</summary>
    public IPAddress? ListenAddress { get; init; }

    /// <summary>How long a retired generation may keep serving its in-flight requests before it is released.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Serve on Kestrel's own socket transport instead of the gateway's (CUTTLE_SOCKET_TRANSPORT=kestrel): the escape
    /// hatch should the gateway's transport misbehave somewhere, at the cost of a thread hand-off per request.
    /// </summary>
    public bool KestrelSocketTransport { get; init; }

    /// <summary>The clock of reload timings, drains and every generation's timeouts (tests substitute a fake).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where telemetry/logging's stdout lines and the access log go (tests capture them); null is the process's stdout.</summary>
    public Stream? LogOutput { get; init; }

    /// <summary>Where a failing log destination is reported; null is the process's stderr.</summary>
    public TextWriter? LogErrors { get; init; }

    /// <summary>The local syslog socket (tests bind their own); null tries /dev/log, /var/run/syslog, /var/run/log as Go does.</summary>
    public string? SyslogPath { get; init; }

    /// <summary>`run --console ADDR`: serve the live console there, whatever the configuration says; null: as configured.</summary>
    public string? ConsoleAddress { get; init; }
}
