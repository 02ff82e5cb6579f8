using System.CommandLine;
using System.CommandLine.Parsing;
using Cuttle.Watch;
using Cuttle.Watch.Processes;
using Cuttle.Watch.Reflex;

namespace Cuttle.Commands;

/// <summary>
/// <c>cuttle watch</c>: reflex 0.3.1's command line (same flags, same meaning; a line such as
/// <c>reflex -g "$KRAKEND_CFG" -s -- krakend run -c …</c> keeps working with <c>cuttle watch</c> in place of reflex),
/// plus <c>-w</c>, <c>--poll</c>, <c>--debounce</c>, <c>--signal</c> and <c>--exit-with-service</c>.
/// </summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var spec = new Spec();
        var command = spec.Build();
        command.SetAction((parse, ct) => RunAsync(spec, parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(Spec spec, ParseResult parse, CancellationToken ct)
    {
        try
        {
            var host = new WatchHostOptions
            {
                Decoration = ParseDecoration(parse.GetValue(spec.Decoration)),
                Sequential = parse.GetValue(spec.Sequential),
                Verbose = parse.GetValue(spec.Verbose),
                HandleSignals = true,
                ReapOrphans = true,
            };
            List<ReflexOptions> reflexes;
            if (parse.GetValue(spec.Config) is { } configPath)
            {
                reflexes = ReadConfig(spec, parse, configPath);
            }
            else
            {
                if (host.Sequential)
                {
                    throw new WatchException("Cannot set --sequential without --config (because you cannot specify multiple commands).");
                }

                reflexes = [spec.ToOptions(parse, source: null)];
                Spec.RejectUnknownFlags(parse.GetValue(spec.CommandArgument), parse.Tokens, null);
            }

            if (reflexes.Count == 0)
            {
                throw new WatchException("no reflexes were defined in the config file");
            }

            return await WatchHost.RunAsync(reflexes, host, ct).ConfigureAwait(false);
        }
        catch (WatchException ex)
        {
            await Console.Error.WriteLineAsync("cuttle watch: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static List<ReflexOptions> ReadConfig(Spec spec, ParseResult parse, string path)
    {
        // reflex: "Cannot set other flags along with --config other than --sequential, --verbose, and --decoration."
        foreach (var option in spec.PerReflexOptions)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                throw new WatchException("Cannot set other flags along with --config other than --sequential, --verbose, and --decoration.");
            }
        }

        if (parse.GetValue(spec.CommandArgument) is { Length: > 0 })
        {
            throw new WatchException("Cannot set other flags along with --config other than --sequential, --verbose, and --decoration.");
        }

        List<(string[] Args, string Source)> lines;
        try
        {
            using var reader = path == "-" ? Console.In : new StreamReader(path);
            lines = ReflexConfigFile.Read(reader, path == "-" ? "standard input" : path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WatchException($"cannot read config file '{path}': {ex.Message}", ex);
        }

        var lineSpec = new Spec();
        var lineCommand = lineSpec.Build();
        var result = new List<ReflexOptions>(lines.Count);
        foreach (var (args, source) in lines)
        {
            var lineParse = lineCommand.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (lineParse.Errors.Count > 0)
            {
                throw new WatchException($"{source}: {lineParse.Errors[0].Message}");
            }

            if (lineParse.GetValue(lineSpec.Config) is not null || lineParse.GetValue(lineSpec.Sequential))
            {
                throw new WatchException($"{source}: --config and --sequential cannot be used inside a config file");
            }

            Spec.RejectUnknownFlags(lineParse.GetValue(lineSpec.CommandArgument), lineParse.Tokens, source);
            result.Add(lineSpec.ToOptions(lineParse, source));
        }

        return result;
    }

    private static Decoration ParseDecoration(string? value) => value?.ToLowerInvariant() switch
    {
        null or "plain" => Decoration.Plain,
        "none" => Decoration.None,
        "fancy" => Decoration.Fancy,
        _ => throw new WatchException($"invalid decoration '{value}' (use none, plain or fancy)"),
    };

    /// <summary>The option set, built fresh for the command line and for each config-file line.</summary>
    private sealed class Spec
    {
        public Option<string[]> Regex { get; } = Many("--regex", "-r", "A regular expression to match filenames (repeatable; all patterns must match)");
        public Option<string[]> InverseRegex { get; } = Many("--inverse-regex", "-R", "A regular expression to exclude matching filenames");
        public Option<string[]> Glob { get; } = Many("--glob", "-g", "A shell glob to match filenames ('*' does not cross '/')");
        public Option<string[]> InverseGlob { get; } = Many("--inverse-glob", "-G", "A shell glob to exclude matching filenames");
        public Option<string[]> WatchPath { get; } = Many("--watch", "-w", "A directory or single file to watch instead of '.' (repeatable)");
        public Option<bool> StartService { get; } = new("--start-service", "-s") { Description = "Run the command as a service: start now, restart on changes" };
        public Option<string> ShutdownTimeout { get; } = new("--shutdown-timeout", "-t") { Description = "Wait between stop signals before SIGKILL", DefaultValueFactory = _ => "500ms" };
        public Option<string> Substitute { get; } = new("--substitute") { Description = "Symbol replaced by the changed path in the command", DefaultValueFactory = _ => "{}" };
        public Option<bool> OnlyFiles { get; } = new("--only-files") { Description = "Only match files (not directories)" };
        public Option<bool> OnlyDirs { get; } = new("--only-dirs") { Description = "Only match directories (not files)" };
        public Option<bool> All { get; } = new("--all") { Description = "Include normally ignored files (VCS and editor special files)" };
        public Option<string?> Debounce { get; } = new("--debounce") { Description = "Quiet period that ends a batch of changes (default 100ms; reflex: 300ms)" };
        public Option<string?> Poll { get; } = new("--poll") { Description = "Also poll for changes at this interval (for mounts without inotify)" };
        public Option<string?> Signal { get; } = new("--signal") { Description = "Stop signal for the service (default INT, as reflex's ^C)" };
        public Option<bool> ExitWithService { get; } = new("--exit-with-service") { Description = "Exit with the service's status when it exits by itself" };
        public Option<string?> Config { get; } = new("--config", "-c") { Description = "A config file with one reflex per line ('-' for stdin)" };
        public Option<bool> Sequential { get; } = new("--sequential", "-e") { Description = "Do not run commands concurrently (needs --config)" };
        public Option<string?> Decoration { get; } = new("--decoration", "-d") { Description = "Output decoration: none, plain or fancy (default plain)" };
        public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Verbose mode: print out more information about what reflex is doing" };
        public Argument<string[]> CommandArgument { get; } = new("command") { Arity = ArgumentArity.ZeroOrMore, Description = "The command to run (put it after --)" };

        public Option[] PerReflexOptions =>
            [Regex, InverseRegex, Glob, InverseGlob, WatchPath, StartService, ShutdownTimeout, Substitute, OnlyFiles, OnlyDirs, All, Debounce, Poll, Signal, ExitWithService];

        public Command Build()
        {
            var command = new Command("watch", "Run a command when files change (reflex-compatible)");
            foreach (var option in PerReflexOptions)
            {
                command.Options.Add(option);
            }

            command.Options.Add(Config);
            command.Options.Add(Sequential);
            command.Options.Add(Decoration);
            command.Options.Add(Verbose);
            command.Arguments.Add(CommandArgument);
            return command;
        }

        public ReflexOptions ToOptions(ParseResult parse, string? source)
        {
            var paths = parse.GetValue(WatchPath);
            return new ReflexOptions
            {
                Regexes = parse.GetValue(Regex) ?? [],
                InverseRegexes = parse.GetValue(InverseRegex) ?? [],
                Globs = parse.GetValue(Glob) ?? [],
                InverseGlobs = parse.GetValue(InverseGlob) ?? [],
                WatchPaths = paths is { Length: > 0 } ? paths : ["."],
                StartService = parse.GetValue(StartService),
                ShutdownTimeout = DurationFlag.Parse(parse.GetValue(ShutdownTimeout) ?? "500ms", "--shutdown-timeout"),
                Substitute = parse.GetValue(Substitute) ?? "{}",
                OnlyFiles = parse.GetValue(OnlyFiles),
                OnlyDirs = parse.GetValue(OnlyDirs),
                All = parse.GetValue(All),
                Debounce = parse.GetValue(Debounce) is { } d ? DurationFlag.Parse(d, "--debounce") : TimeSpan.FromMilliseconds(100),
                PollInterval = parse.GetValue(Poll) is { } p ? DurationFlag.Parse(p, "--poll") : null,
                StopSignal = parse.GetValue(Signal) is { } s ? Signals.Parse(s) : Signals.SIGINT,
                ExitWithService = parse.GetValue(ExitWithService),
                Command = parse.GetValue(CommandArgument) ?? [],
                Source = source,
            };
        }

        /// <summary>
        /// pflag (reflex's parser) rejects unknown flags before "--": `reflex -r x ls -l` fails with
        /// "unknown shorthand flag: 'l' in -l" instead of running `ls -l`. System.CommandLine would pass them on.
        /// </summary>
        public static void RejectUnknownFlags(string[]? command, IReadOnlyList<Token> tokens, string? source)
        {
            if (command is null)
            {
                return;
            }

            var afterDoubleDash = 0;
            for (var i = 0; i < tokens.Count; i++)
            {
                if (tokens[i].Type == TokenType.DoubleDash)
                {
                    afterDoubleDash = tokens.Count - i - 1;
                    break;
                }
            }

            for (var i = 0; i < command.Length - afterDoubleDash; i++)
            {
                var arg = command[i];
                if (arg.Length > 1 && arg[0] == '-')
                {
                    var where = source is null ? string.Empty : source + ": ";
                    throw new WatchException(arg.StartsWith("--", StringComparison.Ordinal)
                        ? $"{where}unknown flag: {arg} (put the command after --)"
                        : $"{where}unknown shorthand flag: '{arg[1]}' in {arg} (put the command after --)");
                }
            }
        }

        private static Option<string[]> Many(string name, string alias, string description) => new(name, alias)
        {
            Description = description,
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
    }
}
