namespace Cuttle.Config.Model.Telemetry;

/// <summary>
/// extra_config."telemetry/logging" (alias github_com/devopsfaith/krakend-gologging), service level: where the
/// application log goes (stdout, the local syslog), from which level, and in which of KrakenD's line shapes.
/// </summary>
public sealed record LoggingOptions
{
    /// <summary>The lowest level written (go-logging: DEBUG, INFO, WARNING, ERROR, CRITICAL).</summary>
    public LogLevelName Level { get; init; } = LogLevelName.Info;

    /// <summary>
    /// Written before every stdout line in the default format (go-logging's log.Logger prefix); the tag of syslog
    /// messages. krakend-gologging clears it for the logstash and custom formats, and so does the binder.
    /// </summary>
    public string Prefix { get; init; } = "";

    /// <summary>The prefix as written in the file, before the formats that drop it: the syslog tag and the logstash module.</summary>
    public string ConfiguredPrefix { get; init; } = "";

    public bool Stdout { get; init; }
    public bool Syslog { get; init; }

    /// <summary>Syslog facility code (local0..local7 = 16..23); krakend-gologging's default and fallback is local3.</summary>
    public int SyslogFacility { get; init; } = DefaultSyslogFacility;

    public LogFormat Format { get; init; } = LogFormat.Default;

    /// <summary>The go-logging pattern of every stdout line, already chosen from <see cref="Format"/> and parsed.</summary>
    public LogPattern Pattern { get; init; } = LogPattern.Default;

    public SourceLocation Location { get; init; } = SourceLocation.None;

    /// <summary>log/syslog LOG_LOCAL3 (19 &lt;&lt; 3 is the priority's facility part; this is the facility number).</summary>
    public const int DefaultSyslogFacility = 19;
}

/// <summary>go-logging's levels, most severe first as in its Level type; NOTICE is not one KrakenD documents.</summary>
public enum LogLevelName
{
    Critical,
    Error,
    Warning,
    Info,
    Debug,
}

public enum LogFormat
{
    Default,
    Logstash,
    Custom,
}

/// <summary>
/// extra_config."telemetry/logstash" (alias github_com/devopsfaith/krakend-logstash): its presence turns every
/// application log message into krakend-logstash's JSON record. The module reads no key.
/// </summary>
public sealed record LogstashOptions
{
    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary>extra_config."telemetry/gelf" (alias github_com/devopsfaith/krakend-gelf): GELF 1.1 to a Graylog input.</summary>
public sealed record GelfOptions
{
    /// <summary>host:port as Go's net.Dial takes it; the binder has checked its shape.</summary>
    public string Address { get; init; } = "";

    /// <summary>The host part (brackets removed); empty means the local host, as in Go.</summary>
    public string Host { get; init; } = "";

    public int Port { get; init; }

    /// <summary>TCP (null-terminated, uncompressed frames) instead of UDP (gzip, chunked).</summary>
    public bool EnableTcp { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
