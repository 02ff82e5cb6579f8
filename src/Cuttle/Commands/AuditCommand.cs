using System.Buffers;
using System.CommandLine;
using System.Text.Json;
using Cuttle.Audit;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.FlexibleConfig;

namespace Cuttle.Commands;

/// <summary>
/// <c>cuttle audit</c>: krakend-cobra's audit command over krakend-audit's rules. Prints each recommendation to
/// stderr through a Go template (<c>--format</c>) and exits 1 when there is any, 0 when there is none.
/// </summary>
internal static class AuditCommand
{
    public const string DefaultFormat = "{{ range .Recommendations }}{{.Rule}}\t[{{.Severity}}]   \t{{.Message}}\n{{ end }}";
    public const string TerminalFormat = "{{ range .Recommendations }}{{.Rule}}\t[{{colored .Severity}}]   \t{{.Message}}\n{{ end }}";

    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c") { Description = "Path to the configuration file (default: ./krakend.json, then $KRAKEND_CONFIG)" };
        var ignore = new Option<string>("--ignore", "-i") { Description = "List of rules to ignore (comma-separated, no spaces)", DefaultValueFactory = _ => "" };
        var ignoreFile = new Option<string>("--ignore-file", "-I") { Description = "Path to a text-plain file containing the list of rules to exclude", DefaultValueFactory = _ => "" };
        var severity = new Option<string>("--severity", "-s") { Description = "List of severities to include (comma-separated, no spaces)", DefaultValueFactory = _ => "CRITICAL,HIGH,MEDIUM,LOW" };
        var format = new Option<string>("--format", "-f") { Description = "Inline go template to render the results", DefaultValueFactory = _ => "" };
        var command = new Command("audit", "Audits a KrakenD configuration.") { config, ignore, severity, ignoreFile, format };
        command.SetAction(r => Run(r.GetValue(config), r.GetValue(ignore) ?? "", r.GetValue(severity) ?? "", r.GetValue(ignoreFile) ?? "", r.GetValue(format) ?? "",
            Console.Error, colors: !Console.IsErrorRedirected));
        return command;
    }

    internal static int Run(string? configOption, string ignore, string severities, string ignoreFile, string format, TextWriter stderr, bool colors = false)
    {
        var path = ConfigPathResolver.Resolve(configOption);
        if (path is null)
        {
            stderr.WriteLine($"Please, provide the path to the configuration file with --config, put a {ConfigPathResolver.DefaultFileName} in the current directory or set {ConfigPathResolver.EnvironmentVariable}");
            return CheckCommand.ExitUsage;
        }
        if (!File.Exists(path))
        {
            stderr.WriteLine($"{path}: error: configuration file not found");
            return CheckCommand.ExitUsage;
        }
        var result = Hosting.ConfigSource.Load(path, lint: false, keepDocument: true);
        var errors = 0;
        foreach (var d in result.Diagnostics)
        {
            if (d.Severity != DiagnosticSeverity.Error)
                continue;
            stderr.WriteLine(Hosting.SecretMask.Apply(d));
            errors++;
        }
        if (!result.Success)
        {
            stderr.WriteLine($"ERROR parsing the configuration file: {errors} error(s)");
            return CheckCommand.ExitInvalid;
        }

        // krakend-cobra strips every space from both lists and reads one rule per line from the ignore file.
        var rules = ignore.Replace(" ", "", StringComparison.Ordinal).Split(',').ToList();
        if (ignoreFile.Length > 0)
        {
            try
            {
                rules.AddRange(File.ReadAllText(ignoreFile).Replace(" ", "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"ERROR accessing the ignore file:\t{ex.Message}");
                return CheckCommand.ExitInvalid;
            }
        }
        var recommendations = AuditRules.Evaluate(AuditFacts.From(result.Config!, result.Document), rules, severities.Replace(" ", "", StringComparison.Ordinal).Split(','));

        if (format.Length == 0)
            format = colors ? TerminalFormat : DefaultFormat;
        string rendered;
        try
        {
            rendered = GoTemplate.Render("audit", format, ToData(recommendations), Functions);
        }
        catch (FormatException ex)
        {
            stderr.WriteLine($"ERROR rendering the results:\t{ex.Message}");
            return CheckCommand.ExitInvalid;
        }
        // krakend-cobra executes the template into stderr.
        stderr.Write(rendered);
        return recommendations.Count > 0 ? 1 : 0;
    }

    /// <summary>krakend-audit's AuditResult as template data: Recommendations (Rule, Severity, Message) and Stats.</summary>
    private static JsonElement ToData(IReadOnlyList<Recommendation> recommendations)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("Recommendations");
            foreach (var r in recommendations)
            {
                w.WriteStartObject();
                w.WriteString("Rule", r.Rule);
                w.WriteString("Severity", r.Severity);
                w.WriteString("Message", r.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("Stats");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    /// <summary>krakend-cobra's <c>colored</c> (ANSI colours per severity); <c>marshal</c> is built in.</summary>
    private static (bool, object?) Functions(string name, object?[] args) => name switch
    {
        "colored" when args.Length == 1 => (true, args[0] switch
        {
            AuditRules.Low => "\u001b[32;1mLOW\u001b[0m",
            AuditRules.Medium => "\u001b[33;1mMEDIUM\u001b[0m",
            AuditRules.High => "\u001b[31;1mHIGH\u001b[0m",
            AuditRules.Critical => "\u001b[41;1mCRITICAL\u001b[0m",
            var other => other,
        }),
        _ => (false, null),
    };
}
