using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Cuttle.Config.Model.Telemetry;

/// <summary>
/// A go-logging string format (github.com/op/go-logging format.go) parsed once, at bind time: static text and
/// <c>%{verb}</c> / <c>%{verb:layout}</c> parts. The time verb's layout is a Go time layout (default
/// 2006-01-02T15:04:05.999Z07:00); <c>color</c> takes "bold" or "reset"; every other verb's layout is a printf verb
/// (default <c>s</c> or <c>d</c>). A format without any verb, or with a verb go-logging does not know, is refused as
/// go-logging's NewStringFormatter refuses it (KrakenD panics on it at start).
/// </summary>
public sealed partial record LogPattern
{
    public ImmutableArray<LogPatternPart> Parts { get; init; } = [];

    /// <summary>The source text, for messages and equality.</summary>
    public string Text { get; init; } = "";

    /// <summary>krakend-gologging DefaultPattern.</summary>
    public const string DefaultText = " %{time:2006/01/02 - 15:04:05.000} %{color}▶ %{level}%{color:reset} %{message}";

    /// <summary>krakend-gologging LogstashPattern (the format "logstash" of telemetry/logging).</summary>
    public const string LogstashText = "{\"@timestamp\":\"%{time:2006-01-02T15:04:05.000+00:00}\", \"@version\": 1, \"level\": \"%{level}\", \"message\": \"%{message}\", \"module\": \"%{module}\"}";

    /// <summary>The pattern of syslog lines (krakend-gologging's syslogIoWriterWrapper case).</summary>
    public const string SyslogText = "%{level} > %{message}";

    public static LogPattern Default { get; } = Parse(DefaultText);
    public static LogPattern Logstash { get; } = Parse(LogstashText);
    public static LogPattern Syslog { get; } = Parse(SyslogText);
    public static LogPattern MessageOnly { get; } = Parse("%{message}");

    private static LogPattern Parse(string text) =>
        TryParse(text, out var p, out var error) ? p : throw new InvalidOperationException(error);

    [GeneratedRegex(@"%{([a-z]+)(?::(.*?[^\\]))?}", RegexOptions.CultureInvariant)]
    private static partial Regex VerbRegex();

    public static bool TryParse(string text, out LogPattern pattern, out string? error)
    {
        pattern = new LogPattern { Text = text };
        error = null;
        var matches = VerbRegex().Matches(text);
        if (matches.Count == 0)
        {
            error = "logger: invalid log format: " + text + " (go-logging needs at least one %{verb}, e.g. %{message})";
            return false;
        }
        var parts = ImmutableArray.CreateBuilder<LogPatternPart>();
        var prev = 0;
        foreach (Match m in matches)
        {
            if (m.Index > prev)
                parts.Add(new LogPatternPart(LogVerb.Static, text[prev..m.Index], default));
            var name = m.Groups[1].Value;
            var verb = VerbOf(name);
            if (verb is null)
            {
                error = $"logger: unknown variable: {name} (go-logging knows time, level, id, pid, program, module, message, longfile, shortfile, longpkg, shortpkg, longfunc, shortfunc, callpath, color)";
                return false;
            }
            var layout = m.Groups[2].Success ? m.Groups[2].Value : null;
            switch (verb.Value)
            {
                case LogVerb.Time:
                    parts.Add(new LogPatternPart(LogVerb.Time, layout ?? "2006-01-02T15:04:05.999Z07:00", default));
                    break;
                case LogVerb.Color:
                    parts.Add(new LogPatternPart(LogVerb.Color, layout ?? "", default));
                    break;
                case LogVerb.Callpath:
                    parts.Add(new LogPatternPart(LogVerb.Callpath, layout ?? "0", default));
                    break;
                default:
                    var integer = verb.Value is LogVerb.Id or LogVerb.Pid;
                    var spec = PrintfSpec.TryParse(layout ?? (integer ? "d" : "s"));
                    if (spec is null || !spec.Value.Accepts(integer, verb.Value == LogVerb.Level))
                    {
                        error = $"logger: unsupported layout \"{layout}\" for %{{{name}}}: Cuttle implements the printf verbs s, v, q, x, X for text and d, v, x, X for numbers, with the flags - 0 + and a width and precision";
                        return false;
                    }
                    parts.Add(new LogPatternPart(verb.Value, layout ?? "", spec.Value));
                    break;
            }
            prev = m.Index + m.Length;
        }
        if (prev < text.Length)
            parts.Add(new LogPatternPart(LogVerb.Static, text[prev..], default));
        pattern = pattern with { Parts = parts.ToImmutable() };
        return true;
    }

    private static LogVerb? VerbOf(string name) => name switch
    {
        "time" => LogVerb.Time,
        "level" => LogVerb.Level,
        "id" => LogVerb.Id,
        "pid" => LogVerb.Pid,
        "program" => LogVerb.Program,
        "module" => LogVerb.Module,
        "message" => LogVerb.Message,
        "longfile" => LogVerb.Longfile,
        "shortfile" => LogVerb.Shortfile,
        "longpkg" => LogVerb.Longpkg,
        "shortpkg" => LogVerb.Shortpkg,
        "longfunc" => LogVerb.Longfunc,
        "shortfunc" => LogVerb.Shortfunc,
        "callpath" => LogVerb.Callpath,
        "color" => LogVerb.Color,
        _ => null,
    };

    public bool Equals(LogPattern? other) => other is not null && other.Text == Text;

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
}

public enum LogVerb
{
    Static,
    Time,
    Level,
    Id,
    Pid,
    Program,
    Module,
    Message,
    Longfile,
    Shortfile,
    Longpkg,
    Shortpkg,
    Longfunc,
    Shortfunc,
    Callpath,
    Color,
}

/// <summary>One part of a <see cref="LogPattern"/>: static text, or a verb with its layout and printf spec.</summary>
public readonly record struct LogPatternPart(LogVerb Verb, string Layout, PrintfSpec Spec);

/// <summary>A single printf verb with flags, width and precision (the part of Go's fmt a go-logging layout uses).</summary>
public readonly record struct PrintfSpec(char Verb, bool Minus, bool Zero, bool Plus, int Width, int Precision)
{
    /// <summary>Parses "s", "-8s", ".1s", "05d"...: the layout go-logging puts after a '%'.</summary>
    public static PrintfSpec? TryParse(string layout)
    {
        bool minus = false, zero = false, plus = false;
        var i = 0;
        for (; i < layout.Length; i++)
        {
            var c = layout[i];
            if (c == '-') minus = true;
            else if (c == '0') zero = true;
            else if (c == '+') plus = true;
            else break;
        }
        var width = -1;
        while (i < layout.Length && char.IsAsciiDigit(layout[i]))
        {
            width = Math.Max(width, 0) * 10 + (layout[i++] - '0');
            if (width > 1000) return null;
        }
        var precision = -1;
        if (i < layout.Length && layout[i] == '.')
        {
            i++;
            precision = 0;
            while (i < layout.Length && char.IsAsciiDigit(layout[i]))
            {
                precision = precision * 10 + (layout[i++] - '0');
                if (precision > 1000) return null;
            }
        }
        if (i != layout.Length - 1) return null;
        return new PrintfSpec(layout[i], minus, zero && !minus, plus, width, precision);
    }

    /// <summary>Verbs whose output Cuttle reproduces for the value's Go type.</summary>
    public bool Accepts(bool integer, bool level) => Verb switch
    {
        's' or 'q' => !integer,
        'v' or 'x' or 'X' => true,
        'd' => integer || level, // go-logging's Level is an int: %d prints its number
        _ => false,
    };
}
