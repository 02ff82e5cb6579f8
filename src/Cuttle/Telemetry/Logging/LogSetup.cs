using System.Buffers;
using System.Collections.Frozen;
using Cuttle.Config.Model;
using Cuttle.Config.Model.Telemetry;

namespace Cuttle.Telemetry.Logging;

/// <summary>
/// What one configuration says about logging, built once per configuration and shared by every generation with
/// the same settings (a reload that leaves them alone keeps the same sockets). Immutable apart from the outputs'
/// sockets, which only the pump's thread touches; disposed by the pump after the last line that refers to it.
/// </summary>
internal sealed class LogSetup : IDisposable
{
    private readonly GatewayConfig? _key;

    private LogSetup(GatewayConfig? key) => _key = key;

    /// <summary>telemetry/logging, or null: the application log then keeps Cuttle's own console output.</summary>
    public LoggingOptions? Logging { get; private init; }

    /// <summary>telemetry/logstash with telemetry/logging: every message becomes krakend-logstash's JSON record.</summary>
    public bool Logstash { get; private init; }

    public GelfOutput? Gelf { get; private init; }
    public SyslogOutput? Syslog { get; private init; }

    /// <summary>gin's access log: on with any telemetry logging namespace, unless router.disable_access_log.</summary>
    public bool AccessLog { get; private init; }

    public FrozenSet<string> SkipPaths { get; private init; } = FrozenSet<string>.Empty;

    /// <summary>krakend-logstash's module: the prefix as configured, else KRAKEND.</summary>
    public string LogstashModule { get; private init; } = "KRAKEND";

    public int SyslogPriority { get; private init; }
    public string SyslogTag { get; private init; } = "cuttle";

    public static LogSetup None { get; } = new(null);

    public static LogSetup For(GatewayConfig config, string? syslogPath, Action<string> report)
    {
        var logging = config.TelemetryLogging;
        var gelf = config.TelemetryGelf;
        var any = logging is not null || gelf is not null || config.TelemetryLogstash is not null;
        if (!any) return None;
        var logstash = logging is not null && config.TelemetryLogstash is not null;
        return new LogSetup(config)
        {
            Logging = logging,
            Logstash = logstash,
            Gelf = gelf is null ? null : new GelfOutput(gelf.Host, gelf.Port, gelf.EnableTcp, report),
            Syslog = logging is { Syslog: true } ? new SyslogOutput(syslogPath, report) : null,
            AccessLog = !config.Router.DisableAccessLog,
            SkipPaths = config.Router.LoggerSkipPaths.ToFrozenSet(StringComparer.Ordinal),
            LogstashModule = logging is { ConfiguredPrefix.Length: > 0 } ? logging.ConfiguredPrefix : "KRAKEND",
            SyslogPriority = logging is null ? 0 : (logging.SyslogFacility << 3) | Severity(logging.Level),
            // log/syslog's tag: the prefix (krakend-logstash deletes it first), else the program's name.
            SyslogTag = logging is { ConfiguredPrefix.Length: > 0 } && !logstash ? logging.ConfiguredPrefix : "cuttle",
        };
    }

    /// <summary>True when <paramref name="config"/> asks for exactly this setup (positions in the file aside).</summary>
    public bool SameAs(GatewayConfig config) =>
        _key is null
            ? config.TelemetryLogging is null && config.TelemetryGelf is null && config.TelemetryLogstash is null
            : Same(_key.TelemetryLogging, config.TelemetryLogging)
              && Same(_key.TelemetryGelf, config.TelemetryGelf)
              && (_key.TelemetryLogstash is null) == (config.TelemetryLogstash is null)
              && _key.Router.DisableAccessLog == config.Router.DisableAccessLog
              && _key.Router.LoggerSkipPaths.SequenceEqual(config.Router.LoggerSkipPaths);

    private static bool Same(LoggingOptions? a, LoggingOptions? b) =>
        a is null ? b is null : b is not null && a with { Location = SourceLocation.None } == b with { Location = SourceLocation.None };

    private static bool Same(GelfOptions? a, GelfOptions? b) =>
        a is null ? b is null : b is not null && a with { Location = SourceLocation.None } == b with { Location = SourceLocation.None };

    /// <summary>krakend-gologging parseSyslogSeverity: the configured level is every message's severity.</summary>
    private static int Severity(LogLevelName level) => level switch
    {
        LogLevelName.Critical => 2,
        LogLevelName.Error => 3,
        LogLevelName.Warning => 4,
        LogLevelName.Info => 6,
        _ => 7,
    };

    public bool IsEnabled(LogLevelName level) => Logging is { } l && level <= l.Level;

    /// <summary>Writes one application record to this setup's destinations (on the pump's thread).</summary>
    public void WriteApp(in AppRecord record, ArrayBufferWriter<byte> stdout, ArrayBufferWriter<byte> scratch, string host)
    {
        var logging = Logging!;
        var r = Logstash ? record with { Message = LogLines.LogstashRecord(record, LogstashModule, host) } : record;
        if (logging.Stdout)
        {
            if (Logstash && logging.Format != LogFormat.Custom) LogLines.WriteApp(stdout, LogPattern.MessageOnly, "", r);
            else if (logging.Format == LogFormat.Logstash) LogLines.WriteLogstashPattern(stdout, r);
            else LogLines.WriteApp(stdout, logging.Pattern, logging.Prefix, r);
        }
        if (Syslog is { } syslog)
        {
            scratch.ResetWrittenCount();
            LogLines.WriteApp(scratch, LogPattern.Syslog, "", r);
            var message = scratch.WrittenSpan.ToArray();
            scratch.ResetWrittenCount();
            LogLines.WriteSyslog(scratch, SyslogPriority, r.Time, SyslogTag, message);
            syslog.Send(scratch.WrittenSpan);
        }
        if (Gelf is { } gelf)
        {
            // CE's formatter selector gives the GELF writer "%{message}" behind the logger's prefix.
            scratch.ResetWrittenCount();
            LogLines.WriteApp(scratch, LogPattern.MessageOnly, logging.Prefix, r);
            SendGelf(gelf, scratch, r.Time, host);
        }
    }

    /// <summary>Writes one access-log line: to the GELF writer when there is one (CE passes it to gin), else stdout.</summary>
    public void WriteAccess(in AccessRecord record, ArrayBufferWriter<byte> stdout, ArrayBufferWriter<byte> scratch, string host)
    {
        if (Gelf is { } gelf)
        {
            scratch.ResetWrittenCount();
            LogLines.WriteAccess(scratch, record);
            SendGelf(gelf, scratch, record.Time, host);
            return;
        }
        LogLines.WriteAccess(stdout, record);
    }

    private static void SendGelf(GelfOutput gelf, ArrayBufferWriter<byte> line, DateTimeOffset time, string host)
    {
        var text = line.WrittenSpan.ToArray();
        line.ResetWrittenCount();
        LogLines.WriteGelf(line, text, host, time, gelf.Tcp ? null : "cuttle");
        gelf.Send(line.WrittenSpan);
    }

    public void Dispose()
    {
        Gelf?.Dispose();
        Syslog?.Dispose();
    }
}
