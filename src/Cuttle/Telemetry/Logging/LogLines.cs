using System.Buffers;
using System.Globalization;
using Cuttle.Config.Model.Telemetry;
using Cuttle.Go;

namespace Cuttle.Telemetry.Logging;

/// <summary>One application log record, as go-logging's Record has it.</summary>
internal readonly record struct AppRecord(LogLevelName Level, DateTimeOffset Time, ulong Id, string Module, string Message);

/// <summary>What gin's LoggerWithConfig hands its formatter: the end time (local), the status, latency and so on.</summary>
internal readonly record struct AccessRecord(DateTimeOffset Time, int Status, long LatencyNanoseconds, string ClientIp, string Method, string Path, string Query);

/// <summary>
/// KrakenD's line shapes, written as UTF-8 into a buffer. The application log: go-logging's string formatter over
/// a pattern (krakend-gologging's default, logstash or the user's custom one), behind Go's log.Logger prefix; the
/// JSON record of krakend-logstash; gin's default access-log formatter (gin v1.12.0 logger.go); GELF 1.1 as
/// go-gelf v2 builds it; log/syslog's local framing.
/// </summary>
internal static class LogLines
{
    private static readonly string[] LevelNames = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"];

    /// <summary>go-logging's Level numbers (CRITICAL=0 ... NOTICE=3, INFO=4, DEBUG=5), for %{level:d}.</summary>
    private static readonly int[] LevelNumbers = [0, 1, 2, 4, 5];

    /// <summary>go-logging log_nix.go: INFO has no colour (its slot in the table is empty).</summary>
    private static readonly string[] Colors = ["\u001b[35m", "\u001b[31m", "\u001b[33m", "", "\u001b[36m"];
    private static readonly string[] BoldColors = ["\u001b[35;1m", "\u001b[31;1m", "\u001b[33;1m", "", "\u001b[36;1m"];

    public static string LevelName(LogLevelName level) => LevelNames[(int)level];

    private static readonly int Pid = Environment.ProcessId;
    private const string Program = "cuttle";

    /// <summary>Go log.Logger.Output: prefix, the formatted record, and a newline unless it already ends with one.</summary>
    public static void WriteApp(ArrayBufferWriter<byte> w, LogPattern pattern, string prefix, in AppRecord r)
    {
        var start = w.WrittenCount;
        if (prefix.Length > 0) GoText.Utf8(w, prefix);
        foreach (var part in pattern.Parts)
        {
            switch (part.Verb)
            {
                case LogVerb.Static: GoText.Utf8(w, part.Layout); break;
                case LogVerb.Time: GoText.Time(w, r.Time, part.Layout); break;
                case LogVerb.Color:
                    GoText.Ascii(w, part.Layout switch
                    {
                        "reset" => "\u001b[0m",
                        "bold" => BoldColors[(int)r.Level],
                        _ => Colors[(int)r.Level],
                    });
                    break;
                case LogVerb.Level:
                    if (part.Spec.Verb == 'd') GoText.Printf(w, part.Spec, LevelNumbers[(int)r.Level]);
                    else GoText.Printf(w, part.Spec, LevelNames[(int)r.Level]);
                    break;
                case LogVerb.Id: GoText.Printf(w, part.Spec, (long)r.Id); break;
                case LogVerb.Pid: GoText.Printf(w, part.Spec, Pid); break;
                case LogVerb.Program: GoText.Printf(w, part.Spec, Program); break;
                case LogVerb.Module: GoText.Printf(w, part.Spec, r.Module); break;
                case LogVerb.Message: GoText.Printf(w, part.Spec, r.Message); break;
                // Go's call-site verbs have no .NET counterpart: go-logging's own values for an unknown caller.
                case LogVerb.Longfile or LogVerb.Shortfile: GoText.Printf(w, part.Spec, "???:0"); break;
                case LogVerb.Longpkg or LogVerb.Shortpkg or LogVerb.Longfunc or LogVerb.Shortfunc: GoText.Printf(w, part.Spec, "???"); break;
                case LogVerb.Callpath: break;
            }
        }
        if (w.WrittenCount == start || w.WrittenSpan[^1] != (byte)'\n') GoText.Byte(w, (byte)'\n');
    }

    /// <summary>
    /// The logstash format of telemetry/logging: krakend-gologging's LogstashPattern, except that the message is
    /// JSON-escaped (go-logging writes it raw, which breaks the line's JSON whenever a message holds a quote).
    /// </summary>
    public static void WriteLogstashPattern(ArrayBufferWriter<byte> w, in AppRecord r)
    {
        foreach (var part in LogPattern.Logstash.Parts)
        {
            switch (part.Verb)
            {
                case LogVerb.Static: GoText.Ascii(w, part.Layout); break;
                case LogVerb.Time: GoText.Time(w, r.Time, part.Layout); break;
                case LogVerb.Level: GoText.Ascii(w, LevelNames[(int)r.Level]); break;
                case LogVerb.Module: JsonInner(w, r.Module); break;
                case LogVerb.Message: JsonInner(w, r.Message); break;
            }
        }
        GoText.Byte(w, (byte)'\n');
    }

    private static void JsonInner(ArrayBufferWriter<byte> w, string value)
    {
        // GoJson writes the quotes too; write into a scratch buffer and drop them.
        var scratch = new ArrayBufferWriter<byte>(value.Length + 8);
        GoJson.WriteString(scratch, value);
        var s = scratch.WrittenSpan[1..^1];
        s.CopyTo(w.GetSpan(s.Length));
        w.Advance(s.Length);
    }

    /// <summary>
    /// krakend-logstash's record: json.Marshal of a map, so the keys are sorted; time in its ISO_8601 layout
    /// (2006-01-02T15:04:05.000000-07:00).
    /// </summary>
    public static string LogstashRecord(in AppRecord r, string module, string host)
    {
        var w = new ArrayBufferWriter<byte>(128 + r.Message.Length);
        GoText.Ascii(w, "{\"@timestamp\":\"");
        GoText.Time(w, r.Time, "2006-01-02T15:04:05.000000-07:00");
        GoText.Ascii(w, "\",\"@version\":1,\"host\":");
        GoJson.WriteString(w, host);
        GoText.Ascii(w, ",\"level\":\"");
        GoText.Ascii(w, LevelNames[(int)r.Level]);
        GoText.Ascii(w, "\",\"message\":");
        GoJson.WriteString(w, r.Message);
        GoText.Ascii(w, ",\"module\":");
        GoJson.WriteString(w, module);
        GoText.Byte(w, (byte)'}');
        return System.Text.Encoding.UTF8.GetString(w.WrittenSpan);
    }

    /// <summary>
    /// gin's defaultLogFormatter without colours (the output is not a terminal):
    /// <c>[GIN] %v | %3d | %8v | %15s | %-7s %#v\n</c>, the latency truncated as gin v1.12.0 does.
    /// </summary>
    public static void WriteAccess(ArrayBufferWriter<byte> w, in AccessRecord r)
    {
        GoText.Ascii(w, "[GIN] ");
        GoText.Time(w, r.Time, "2006/01/02 - 15:04:05");
        GoText.Ascii(w, " | ");
        var status = r.Status;
        if (status is >= 0 and < 100) GoText.Spaces(w, status < 10 ? 2 : 1);
        GoText.Int(w, status);
        GoText.Ascii(w, " | ");
        var latency = r.LatencyNanoseconds;
        if (latency > 60_000_000_000L) latency -= latency % 10_000_000_000L;
        else if (latency > 1_000_000_000L) latency -= latency % 10_000_000L;
        else if (latency > 1_000_000L) latency -= latency % 10_000L;
        Span<char> d = stackalloc char[40];
        var n = GoText.Duration(latency, d);
        GoText.Spaces(w, 8 - GoText.RuneCount(d[..n]));
        GoText.Utf8(w, d[..n]);
        GoText.Ascii(w, " | ");
        GoText.Spaces(w, 15 - r.ClientIp.Length);
        GoText.Utf8(w, r.ClientIp);
        GoText.Ascii(w, " | ");
        GoText.Utf8(w, r.Method);
        // "%-7s %s %#v" with the colour strings empty: the padded method, then two spaces.
        GoText.Spaces(w, 7 - r.Method.Length + 2);
        QuotedPath(w, r.Path, r.Query);
        GoText.Byte(w, (byte)'\n');
    }

    /// <summary>
    /// %#v of the path plus the query (<paramref name="query"/> is "" or starts with '?', as Kestrel's QueryString):
    /// strconv.Quote, written directly when nothing needs escaping.
    /// </summary>
    private static void QuotedPath(ArrayBufferWriter<byte> w, string path, string query)
    {
        if (query.Length == 1) query = ""; // a bare "?" is an empty RawQuery to Go
        if (Plain(path) && Plain(query))
        {
            GoText.Byte(w, (byte)'"');
            GoText.Ascii(w, path);
            GoText.Ascii(w, query);
            GoText.Byte(w, (byte)'"');
            return;
        }
        GoText.Utf8(w, GoStrconv.Quote(path + query));
    }

    private static bool Plain(string s)
    {
        foreach (var c in s)
        {
            if (c is < (char)0x20 or >= (char)0x7f or '"' or '\\') return false;
        }
        return true;
    }

    /// <summary>
    /// go-gelf v2 constructMessage + MarshalJSONBuf: the line trimmed, split at its first newline into short and full
    /// message, level 6, the facility (UDP only: the TCP writer never sets it), and the caller as go-gelf reports an
    /// unknown one.
    /// </summary>
    public static void WriteGelf(ArrayBufferWriter<byte> w, ReadOnlySpan<byte> line, string host, DateTimeOffset time, string? facility)
    {
        var text = System.Text.Encoding.UTF8.GetString(line).Trim();
        var nl = text.IndexOf('\n', StringComparison.Ordinal);
        var shortMessage = nl > 0 ? text[..nl] : text;
        var full = nl > 0 ? text : "";
        GoText.Ascii(w, "{\"version\":\"1.1\",\"host\":");
        GoJson.WriteString(w, host);
        GoText.Ascii(w, ",\"short_message\":");
        GoJson.WriteString(w, shortMessage);
        if (full.Length > 0)
        {
            GoText.Ascii(w, ",\"full_message\":");
            GoJson.WriteString(w, full);
        }
        GoText.Ascii(w, ",\"timestamp\":");
        // Go: float64(t.UnixNano()) / float64(time.Second), written as encoding/json writes a float64.
        var seconds = (double)((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100) / 1e9;
        GoText.Ascii(w, seconds.ToString("R", CultureInfo.InvariantCulture));
        GoText.Ascii(w, ",\"level\":6");
        if (!string.IsNullOrEmpty(facility))
        {
            GoText.Ascii(w, ",\"facility\":");
            GoJson.WriteString(w, facility);
        }
        GoText.Ascii(w, ",\"_file\":\"???\",\"_line\":0}");
    }

    /// <summary>log/syslog's local form: <c>&lt;PRI&gt;Jan _2 15:04:05 TAG[PID]: MSG</c>, a newline added if missing.</summary>
    public static void WriteSyslog(ArrayBufferWriter<byte> w, int priority, DateTimeOffset localTime, string tag, ReadOnlySpan<byte> message)
    {
        GoText.Byte(w, (byte)'<');
        GoText.Int(w, priority);
        GoText.Byte(w, (byte)'>');
        GoText.Time(w, localTime, "Jan _2 15:04:05");
        GoText.Byte(w, (byte)' ');
        GoText.Utf8(w, tag);
        GoText.Byte(w, (byte)'[');
        GoText.Int(w, Pid);
        GoText.Ascii(w, "]: ");
        message.CopyTo(w.GetSpan(message.Length));
        w.Advance(message.Length);
        if (message.Length == 0 || message[^1] != (byte)'\n') GoText.Byte(w, (byte)'\n');
    }
}
