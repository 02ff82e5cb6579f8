using System.CommandLine;
using System.Runtime.InteropServices;
using Cuttle.Gateway;
using Cuttle.Go;
using Cuttle.Hosting;

namespace Cuttle.Commands;

/// <summary>
/// <c>cuttle run -c FILE [-d] [-p PORT] [--watch]</c>: serve a krakend.json with KrakenD's semantics. SIGTERM/SIGINT
/// drain in-flight requests and exit; SIGHUP (any time) and, with --watch, any change of the file reload in-process.
/// </summary>
internal static class RunCommand
{
    public const int ExitOk = 0;
    public const int ExitConfigError = 1;
    public const int ExitUsage = 2;
    public const int ExitStartFailed = 3;

    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c") { Description = "Path to the configuration file (default: ./krakend.json, then $KRAKEND_CONFIG)" };
        var debug = new Option<bool>("--debug", "-d") { Description = "Enable debug logging and the /__debug/ endpoint" };
        var port = new Option<int?>("--port", "-p") { Description = "Listening port; overrides the config's port and KRAKEND_PORT" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Reload in-process when the configuration file changes (also CUTTLE_WATCH=1)" };
        var poll = new Option<string?>("--poll") { Description = "With --watch: poll the file at this interval (e.g. 1s) instead of relying on file-system events (also CUTTLE_POLL)" };
        var console = new Option<string?>("--console") { Description = "Serve the live console on this address (host:port, :port or a port), whatever the configuration says (also CUTTLE_CONSOLE)" };
        var command = new Command("run", "Run the gateway") { config, debug, port, watch, poll, console };
        command.SetAction((parseResult, ct) => RunAsync(new RunArguments(
            parseResult.GetValue(config), parseResult.GetValue(debug), parseResult.GetValue(port),
            parseResult.GetValue(watch) || IsTruthy(Environment.GetEnvironmentVariable("CUTTLE_WATCH")),
            parseResult.GetValue(poll) ?? Environment.GetEnvironmentVariable("CUTTLE_POLL"))
        {
            ConsoleAddress = parseResult.GetValue(console) ?? Environment.GetEnvironmentVariable("CUTTLE_CONSOLE"),
        }, ct));
        return command;
    }

    internal sealed record RunArguments(string? Config, bool Debug, int? Port, bool Watch, string? Poll)
    {
        /// <summary>--console ADDR: the live console's address, overriding the configuration's.</summary>
        public string? ConsoleAddress { get; init; }
    }

    private static bool IsTruthy(string? value) => value is "1" or "true" or "TRUE" or "yes" or "on";

    internal static async Task<int> RunAsync(RunArguments args, CancellationToken ct)
    {
        var path = ConfigPathResolver.Resolve(args.Config);
        if (path is null)
        {
            Console.Error.WriteLine("Please, provide the path to the configuration file with --config or see all the options with --help");
            return ExitUsage;
        }
        path = Path.GetFullPath(path);
        var sinceStart = System.Diagnostics.Stopwatch.GetTimestamp();
        var loaded = ConfigSource.Load(path);
        var configMs = System.Diagnostics.Stopwatch.GetElapsedTime(sinceStart).TotalMilliseconds;
        // Masked: a start-up log is collected and shipped; the config's credentials must not travel with it.
        foreach (var d in loaded.Diagnostics) Console.Error.WriteLine(SecretMask.Apply(d));
        if (!loaded.Success)
        {
            Console.Error.WriteLine($"ERROR parsing the configuration file: {path}");
            return ExitConfigError;
        }
        TimeSpan? pollInterval = null;
        if (!string.IsNullOrEmpty(args.Poll))
        {
            if (!GoDuration.TryParse(args.Poll, out var p) || p <= TimeSpan.Zero)
            {
                Console.Error.WriteLine($"--poll: invalid duration '{args.Poll}', expected a Go duration such as 500ms or 2s");
                return ExitUsage;
            }
            pollInterval = p;
        }

        if (!string.IsNullOrEmpty(args.ConsoleAddress) && !LiveConsole.ConsoleSettings.TryParseAddress(args.ConsoleAddress, out _, out _, out var consoleWhy))
        {
            Console.Error.WriteLine($"--console: invalid address '{args.ConsoleAddress}': {consoleWhy}");
            return ExitUsage;
        }

        GatewayServer server;
        try
        {
            server = await GatewayServer.StartAsync(loaded.Config!, new ServerOptions
            {
                Debug = args.Debug,
                PortOverride = args.Port,
                KestrelSocketTransport = Environment.GetEnvironmentVariable("CUTTLE_SOCKET_TRANSPORT") == "kestrel",
                ConsoleAddress = string.IsNullOrEmpty(args.ConsoleAddress) ? null : args.ConsoleAddress,
            }).ConfigureAwait(false);
            if (Environment.GetEnvironmentVariable("CUTTLE_STARTUP_TIMING") == "1")
            {
                var total = (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds;
                Console.Error.WriteLine(System.FormattableString.Invariant($"startup: {total:0} ms since exec (config {configMs:0} ms, pipelines and listener {System.Diagnostics.Stopwatch.GetElapsedTime(sinceStart).TotalMilliseconds - configMs:0} ms)"));
            }
        }
        catch (Exception ex) when (ex is IOException or GatewayBuildException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            Console.Error.WriteLine($"ERROR starting the gateway: {SecretMask.Apply(ex.Message)}");
            return ExitStartFailed;
        }

        await using (server.ConfigureAwait(false))
        {
            var reloader = new ConfigReloader(server, path);
            // As PID 1 in a container, orphaned processes (left by `docker exec`, health probes, ...) are re-parented to
            // us and would stay zombies forever: reap them, as an init would.
            await using var reaper = Environment.ProcessId == 1 ? Cuttle.Watch.Processes.OrphanReaper.Start(TimeSpan.FromSeconds(1), TimeProvider.System) : null;
            // SIGHUP reloads at any time, with or without --watch (KrakenD has no such handler).
            using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
            {
                ctx.Cancel = true;
                _ = Task.Run(() => reloader.ReloadNow());
            });
            IAsyncDisposable? watcher = null;
            if (args.Watch)
            {
                try
                {
                    watcher = await reloader.StartWatchingAsync(pollInterval).ConfigureAwait(false);
                }
                catch (Cuttle.Watch.WatchException ex)
                {
                    Console.Error.WriteLine($"ERROR watching the configuration: {ex.Message}");
                    await server.StopAsync().ConfigureAwait(false);
                    return ExitStartFailed;
                }
            }
            await using var watcherScope = watcher;
            await server.WaitForShutdownAsync().ConfigureAwait(false);
        }
        return ExitOk;
    }
}
