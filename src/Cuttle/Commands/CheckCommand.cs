using System.CommandLine;
using System.Globalization;
using Cuttle.Config;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;

namespace Cuttle.Commands;

/// <summary>
/// <c>cuttle check</c>: parse and validate a krakend.json like <c>krakend check</c> (same opening and closing lines),
/// printing every diagnostic as <c>file:line:col: error: message (at json.path)</c>.
/// Exit codes: 0 valid, 1 invalid, 2 usage error (no or missing file).
/// </summary>
internal static class CheckCommand
{
    public const int ExitValid = 0;
    public const int ExitInvalid = 1;
    public const int ExitUsage = 2;

    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c")
        {
            Description = "Path to the configuration file (default: ./krakend.json, then $KRAKEND_CONFIG)",
        };
        var debug = new Option<bool>("--debug", "-d") { Description = "Print the parsed configuration" };
        var lint = new Option<bool>("--lint", "-l") { Description = "Also warn about unknown fields and namespaces KrakenD ignores" };

        var command = new Command("check", "Validates that the configuration file is valid for KrakenD/Cuttle") { config, debug, lint };
        // krakend-cobra registers "validate" as an alias of check.
        command.Aliases.Add("validate");
        command.SetAction(parseResult => Run(parseResult.GetValue(config), parseResult.GetValue(debug), parseResult.GetValue(lint), Console.Out, Console.Error));
        return command;
    }

    internal static int Run(string? configOption, bool debug, bool lint, TextWriter stdout, TextWriter stderr)
    {
        var path = ConfigPathResolver.Resolve(configOption);
        if (path is null)
        {
            stderr.WriteLine($"Please, provide the path to the configuration file with --config, put a {ConfigPathResolver.DefaultFileName} in the current directory or set {ConfigPathResolver.EnvironmentVariable}");
            return ExitUsage;
        }
        stdout.WriteLine($"Parsing configuration file: {path}");
        if (!File.Exists(path))
        {
            stderr.WriteLine(Directory.Exists(path)
                ? $"{path}: error: the configuration path is a directory, expected a JSON file"
                : $"{path}: error: configuration file not found");
            return ExitUsage;
        }

        ConfigLoadResult result;
        try
        {
            result = Hosting.ConfigSource.Load(path, lint);
        }
        catch (Exception ex)
        {
            // The loader reports problems as diagnostics; this is only a safety net so a user never sees a stack trace.
            stderr.WriteLine($"{path}: error: internal error while reading the configuration: {Hosting.SecretMask.Apply(ex.Message)}");
            return ExitInvalid;
        }
        var errors = 0;
        var warnings = 0;
        foreach (var d in result.Diagnostics)
        {
            // Masked as everywhere the gateway prints a configuration error: check output lands in CI logs too.
            stderr.WriteLine(Hosting.SecretMask.Apply(d));
            if (d.Severity == DiagnosticSeverity.Error)
                errors++;
            else
                warnings++;
        }
        if (!result.Success)
        {
            stderr.WriteLine($"ERROR parsing the configuration file: {errors} error(s), {warnings} warning(s)");
            return ExitInvalid;
        }
        // CEL expressions are compiled by the gateway, not the config loader: check them here too.
        var celErrors = Gateway.Cel.CelConfigCheck.Errors(result.Config!);
        foreach (var e in celErrors)
            stderr.WriteLine($"error: {Hosting.SecretMask.Apply(e)}");
        if (celErrors.Count > 0)
        {
            stderr.WriteLine($"ERROR parsing the configuration file: {errors + celErrors.Count} error(s), {warnings} warning(s)");
            return ExitInvalid;
        }
        if (debug)
            PrintSummary(result.Config!, stdout);
        if (warnings > 0)
            stdout.WriteLine($"{warnings} warning(s)");
        stdout.WriteLine("Syntax OK!");
        return ExitValid;
    }

    private static void PrintSummary(GatewayConfig c, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(inv, $"Parsed configuration: name={c.Name} port={c.Port} timeout={c.Timeout} cache_ttl={c.CacheTtl} sha256={c.ContentHash}"));
        o.WriteLine(string.Create(inv, $"Service extra_config: {string.Join(", ", c.ExtraConfig.Namespaces.Keys.Order(StringComparer.Ordinal))}"));
        o.WriteLine(string.Create(inv, $"Endpoints ({c.Endpoints.Length}):"));
        foreach (var e in c.Endpoints)
        {
            o.WriteLine(string.Create(inv, $"  {e.Method} {e.Endpoint} timeout={e.Timeout} output_encoding={e.OutputEncoding} backends={e.Backend.Length}"));
            foreach (var b in e.Backend)
                o.WriteLine(string.Create(inv, $"    {b.Method} {Hosting.SecretMask.Apply(string.Join(",", b.Host))}{b.UrlPattern} encoding={b.Encoding}"));
        }
    }
}
