using System.CommandLine;
using Cuttle.Config;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;

namespace Cuttle.Commands;

/// <summary>
/// <c>cuttle check</c>: parse and validate a krakend.json (.yaml, .toml) like <c>krakend check</c> (same opening and
/// closing lines, same flags and order: parse, lint, dump, route test), printing every diagnostic as
/// <c>file:line:col: error: message (at json.path)</c>.
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
        // A count, as krakend-cobra's: -d, -dd (or -d -d), -ddd print more of the parsed configuration.
        var debug = new Option<bool[]>("--debug", "-d") { Description = "Information about how KrakenD is interpreting your configuration file (repeat for more)", Arity = ArgumentArity.Zero };
        var testRoutes = new Option<bool>("--test-gin-routes", "-t") { Description = "Builds the gateway (router included) from the configuration to catch route conflicts and build errors" };
        var indent = new Option<string>("--indent", "-i") { Description = "Indentation of the check dump", DefaultValueFactory = _ => "\t" };
        var lint = new Option<bool>("--lint", "-l") { Description = "Also warn about unknown fields and namespaces KrakenD ignores" };
        var lintNoNetwork = new Option<bool>("--lint-no-network", "-n") { Description = "The same built-in lint as --lint; it never needs the network" };
        var lintSchema = new Option<string?>("--lint-schema", "-s") { Description = "Lint against a custom JSON schema path or URL" };

        var command = new Command("check", "Validates that the configuration file is valid for KrakenD/Cuttle") { config, debug, testRoutes, indent, lint, lintNoNetwork, lintSchema };
        // krakend-cobra registers "validate" as an alias of check.
        command.Aliases.Add("validate");
        command.SetAction(parseResult =>
        {
            var debugLevel = 0;
            foreach (var token in parseResult.Tokens)
            {
                if (token.Type == System.CommandLine.Parsing.TokenType.Option && token.Value is "-d" or "--debug")
                    debugLevel++;
            }
            var options = new CheckOptions
            {
                Debug = debugLevel,
                Indent = parseResult.GetValue(indent) ?? "\t",
                TestRoutes = parseResult.GetValue(testRoutes),
                Lint = parseResult.GetValue(lint),
                LintNoNetwork = parseResult.GetValue(lintNoNetwork),
                LintSchema = parseResult.GetValue(lintSchema),
            };
            return Run(parseResult.GetValue(config), options, Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>The flags of <c>check</c> besides <c>-c</c>.</summary>
    internal sealed record CheckOptions
    {
        public int Debug { get; init; }
        public string Indent { get; init; } = "\t";
        public bool TestRoutes { get; init; }
        public bool Lint { get; init; }
        public bool LintNoNetwork { get; init; }
        public string? LintSchema { get; init; }
    }

    internal static int Run(string? configOption, CheckOptions options, TextWriter stdout, TextWriter stderr)
    {
        // krakend-cobra marks the three lint flags mutually exclusive (cobra's own message).
        var lints = new List<string>();
        if (options.Lint) lints.Add("lint");
        if (options.LintNoNetwork) lints.Add("lint-no-network");
        if (!string.IsNullOrEmpty(options.LintSchema)) lints.Add("lint-schema");
        if (lints.Count > 1)
        {
            stderr.WriteLine($"Error: if any flags in the group [lint lint-no-network lint-schema] are set none of the others can be; [{string.Join(' ', lints.Order(StringComparer.Ordinal))}] were all set");
            return ExitUsage;
        }
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
                ? $"{path}: error: the configuration path is a directory, expected a configuration file"
                : $"{path}: error: configuration file not found");
            return ExitUsage;
        }

        ConfigLoadResult result;
        try
        {
            // -n is the same built-in lint as -l: Cuttle's lint needs no network either way.
            result = Hosting.ConfigSource.Load(path, options.Lint || options.LintNoNetwork, keepDocument: true);
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
        // A json-schema that does not compile is dropped by the gateway (as by KrakenD): say so here.
        foreach (var w in Gateway.Validation.JsonSchemaConfigCheck.Warnings(result.Config!))
        {
            stderr.WriteLine(Hosting.SecretMask.Apply(w));
            warnings++;
        }
        if (!string.IsNullOrEmpty(options.LintSchema) && !LintAgainstSchema(options.LintSchema, result.Document!.Value, stderr))
            return ExitInvalid;
        if (options.Debug > 0)
            new ConfigDumper(stdout, options.Indent, options.Debug).Dump(result.Config!, result.Document);
        if (options.TestRoutes && !TestRoutes(result.Config!, stderr))
            return ExitInvalid;
        if (warnings > 0)
            stdout.WriteLine($"{warnings} warning(s)");
        stdout.WriteLine("Syntax OK!");
        return ExitValid;
    }

    /// <summary>
    /// <c>-s PATH|URL</c>: the document (JSON whatever the file's syntax) against a JSON schema, read from a file or
    /// fetched over http(s) with krakend-cobra's 10 s timeout.
    /// </summary>
    private static bool LintAgainstSchema(string location, System.Text.Json.JsonElement document, TextWriter stderr)
    {
        System.Text.Json.JsonElement schema;
        try
        {
            string text;
            if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                using var response = client.GetAsync(location).GetAwaiter().GetResult();
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                    throw new IOException($"{location} returned status code {(int)response.StatusCode}");
                text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            }
            else
            {
                text = File.ReadAllText(location.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(location).LocalPath : location);
            }
            using var doc = System.Text.Json.JsonDocument.Parse(text);
            schema = doc.RootElement.Clone();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or UriFormatException)
        {
            stderr.WriteLine($"ERROR compiling the schema:\t{ex.Message}");
            return false;
        }
        IReadOnlyList<string> violations;
        try
        {
            violations = Gateway.Validation.JsonSchemaCheck.Validate(schema, document);
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine($"ERROR compiling the schema:\t{ex.Message}");
            return false;
        }
        if (violations.Count == 0)
            return true;
        stderr.WriteLine("ERROR linting the configuration file:");
        foreach (var v in violations)
            stderr.WriteLine($"\t{Hosting.SecretMask.Apply(v)}");
        return false;
    }

    /// <summary>
    /// <c>-t</c>: KrakenD starts a gin router for a second so that a route gin refuses panics. Cuttle builds the whole
    /// generation (route table, handlers, proxies) the way <c>run</c> does, which refuses the same routes, and
    /// disposes it without listening.
    /// </summary>
    private static bool TestRoutes(GatewayConfig config, TextWriter stderr)
    {
        try
        {
            var generation = Gateway.GenerationBuilder.Build(config, new Gateway.GenerationOptions());
            generation.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception ex) when (ex is Gateway.GatewayBuildException or ArgumentException or FormatException or UriFormatException)
        {
            stderr.WriteLine($"ERROR testing the configuration file:\t{Hosting.SecretMask.Apply(ex.Message)}");
            return false;
        }
    }
}
