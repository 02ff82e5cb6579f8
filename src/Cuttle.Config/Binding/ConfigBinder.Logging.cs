using System.Globalization;
using Cuttle.Config.Json;
using Cuttle.Config.Model.Telemetry;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// krakend-gologging's ConfigGetter and NewLogger. KrakenD panics on a non-boolean stdout/syslog, silently skips
    /// a non-string level/prefix/format, and at start falls back to its basic logger on an unknown level; Cuttle
    /// reports each of these with its position instead, so `cuttle check` finds them. A custom format is parsed here
    /// (go-logging's NewStringFormatter, which KrakenD's MustStringFormatter turns into a panic at start).
    /// </summary>
    private LoggingOptions? BindLogging(JsonNode? extra)
    {
        if (RawNamespace(extra, "telemetry/logging") is not { } node)
            return null;
        if (!ExpectKind(node, JsonNodeKind.Object, "telemetry/logging"))
            return null;

        var level = LogLevelName.Info;
        if (node["level"] is not { } ln)
        {
            Error(node, "\"telemetry/logging.level\" is required: one of DEBUG, INFO, WARNING, ERROR, CRITICAL");
        }
        else if (StrictString(ln, "telemetry/logging.level") is { } l)
        {
            if (ParseLevel(l) is { } parsed)
                level = parsed;
            else
                Error(ln, $"\"telemetry/logging.level\": unknown level \"{l}\" (logger: invalid log level): expected DEBUG, INFO, WARNING, ERROR or CRITICAL");
        }

        var prefix = node["prefix"] is { } pn ? StrictString(pn, "telemetry/logging.prefix") ?? "" : "";
        var stdout = node["stdout"] is { } so && StrictBool(so, "telemetry/logging.stdout");
        var syslog = node["syslog"] is { } sl && StrictBool(sl, "telemetry/logging.syslog");
        var facility = LoggingOptions.DefaultSyslogFacility;
        if (node["syslog_facility"] is { } fn && StrictString(fn, "telemetry/logging.syslog_facility") is { } f)
        {
            // log/syslog's local0..local7; krakend-gologging falls back to local3 for any other name.
            if (f.Length == 6 && f.StartsWith("local", StringComparison.OrdinalIgnoreCase) && f[5] is >= '0' and <= '7')
                facility = 16 + (f[5] - '0');
            else
                Error(fn, $"\"telemetry/logging.syslog_facility\": unknown facility \"{f}\": expected local0 to local7 (KrakenD would use local3)");
        }

        var format = LogFormat.Default;
        var formatNode = node["format"];
        if (formatNode is not null && StrictString(formatNode, "telemetry/logging.format") is { } fmt)
        {
            switch (fmt)
            {
                case "" or "default": format = LogFormat.Default; break;
                case "logstash": format = LogFormat.Logstash; break;
                case "custom": format = LogFormat.Custom; break;
                default:
                    Error(formatNode, $"\"telemetry/logging.format\": unknown format \"{fmt}\": expected default, logstash or custom");
                    break;
            }
        }

        var pattern = LogPattern.Default;
        var customNode = node["custom_format"];
        var custom = customNode is null ? null : StrictString(customNode, "telemetry/logging.custom_format");
        if (format == LogFormat.Logstash)
        {
            pattern = LogPattern.Logstash;
        }
        else if (format == LogFormat.Custom)
        {
            if (custom is null)
                Error(formatNode!, "\"telemetry/logging.format\" is \"custom\" but \"custom_format\" is missing: add a go-logging pattern such as \"%{time:2006/01/02 15:04:05} %{level} %{message}\"");
            else if (LogPattern.TryParse(custom, out var p, out var error))
                pattern = p;
            else
                Error(customNode!, $"\"telemetry/logging.custom_format\": {error}");
        }

        return new LoggingOptions
        {
            Level = level,
            // krakend-gologging empties the prefix for the logstash and custom formats.
            Prefix = format == LogFormat.Default ? prefix : "",
            ConfiguredPrefix = prefix,
            Stdout = stdout,
            Syslog = syslog,
            SyslogFacility = facility,
            Format = format,
            Pattern = pattern,
            Location = Loc(node),
        };
    }

    private LogstashOptions? BindLogstash(JsonNode? extra)
    {
        if (RawNamespace(extra, "telemetry/logstash") is not { } node)
            return null;
        // krakend-logstash only checks the key is there; its documented value is {"enabled": true}.
        return new LogstashOptions { Location = Loc(node) };
    }

    /// <summary>
    /// krakend-gelf: <c>address</c> (required; Go's net.Dial takes "host:port") and <c>enable_tcp</c>. KrakenD finds
    /// a bad address only when it dials at start and logs it; Cuttle reports its shape at check, the dial at run time.
    /// </summary>
    private GelfOptions? BindGelf(JsonNode? extra)
    {
        if (RawNamespace(extra, "telemetry/gelf") is not { } node)
            return null;
        if (!ExpectKind(node, JsonNodeKind.Object, "telemetry/gelf"))
            return null;
        var tcp = node["enable_tcp"] is { } t && StrictBool(t, "telemetry/gelf.enable_tcp");
        if (node["address"] is not { } an)
        {
            Error(node, "\"telemetry/gelf.address\" is required (missing addr to send gelf logs): host:port of the Graylog GELF input, e.g. \"graylog:12201\"");
            return null;
        }
        if (StrictString(an, "telemetry/gelf.address") is not { } address)
            return null;
        if (!TrySplitHostPort(address, out var host, out var port))
        {
            Error(an, $"\"telemetry/gelf.address\": cannot parse \"{address}\": expected host:port, e.g. \"graylog:12201\" or \"[::1]:12201\"");
            return null;
        }
        return new GelfOptions { Address = address, Host = host, Port = port, EnableTcp = tcp, Location = Loc(node) };
    }

    /// <summary>Go's net.SplitHostPort plus a numeric port (a service name such as ":gelf" is not supported).</summary>
    internal static bool TrySplitHostPort(string address, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = address.LastIndexOf(':');
        if (colon < 0)
            return false;
        var h = address[..colon];
        if (h.StartsWith('['))
        {
            if (!h.EndsWith(']'))
                return false;
            h = h[1..^1];
        }
        else if (h.Contains(':', StringComparison.Ordinal) || h.Contains('[', StringComparison.Ordinal) || h.Contains(']', StringComparison.Ordinal))
        {
            return false; // "too many colons": an IPv6 literal needs brackets
        }
        var p = address[(colon + 1)..];
        if (p.Length is 0 or > 5 || !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            return false;
        if (h.Length > 0 && h.AsSpan().IndexOfAny(HostStops) >= 0)
            return false;
        host = h;
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> HostStops = System.Buffers.SearchValues.Create(" /\\?#@");

    internal static LogLevelName? ParseLevel(string level)
    {
        // go-logging's LogLevel compares with strings.EqualFold.
        foreach (var (name, value) in LevelNames)
        {
            if (string.Equals(name, level, StringComparison.OrdinalIgnoreCase))
                return value;
        }
        return null;
    }

    private static readonly (string, LogLevelName)[] LevelNames =
    [
        ("CRITICAL", LogLevelName.Critical), ("ERROR", LogLevelName.Error), ("WARNING", LogLevelName.Warning),
        ("INFO", LogLevelName.Info), ("DEBUG", LogLevelName.Debug),
    ];

    private string? StrictString(JsonNode node, string field)
    {
        if (node.Kind == JsonNodeKind.String)
            return node.Text;
        Error(node, $"\"{field}\" must be a string, got {node.KindName}");
        return null;
    }

    private bool StrictBool(JsonNode node, string field)
    {
        if (node.Kind is JsonNodeKind.True or JsonNodeKind.False)
            return node.Kind == JsonNodeKind.True;
        Error(node, $"\"{field}\" must be a boolean (true or false), got {node.KindName}");
        return false;
    }
}
