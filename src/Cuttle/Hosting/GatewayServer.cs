using System.Net;
using Cuttle.Config.Model;
using Cuttle.Config.Tls;
using Cuttle.Diagnostics;
using Cuttle.Gateway;
using Cuttle.Hosting.Sockets;
using Cuttle.Hosting.Tls;
using Cuttle.LiveConsole;
using Cuttle.Telemetry.Logging;
using Cuttle.Telemetry.OpenTelemetry;
using Cuttle.Telemetry.Stats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cuttle.Hosting;

/// <summary>
/// Owns the listener (Kestrel) and the single mutable thing in the system: the reference to the live
/// <see cref="Generation"/>. A request reads it once and stays on that generation; <see cref="ReloadAsync"/> builds
/// the next one off the request path, swaps the reference and drains the old one in the background. When the port
/// or listen address changes, a new listener is bound first and the old one stops gracefully: connections it already
/// accepted finish their requests.
/// </summary>
internal sealed partial class GatewayServer : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TelemetryLogging _logging;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private volatile Generation _current;
    private volatile WebApplication _listener;
    private (IPAddress Address, int Port) _binding;
    private readonly ReloadStatusSource _status;
    private readonly TelemetryHost _telemetry;
    private long _lastDrainTicks;
    private readonly Auth.RevokerServer _revoker;
    private ServerTls? _tls; // null on a clear-text listener
    private string _shape = ""; // ListenerProtocols.ShapeOf the live listener

    private GatewayServer(ServerOptions options, ILoggerFactory loggerFactory, TelemetryLogging telemetry, ReloadStatusSource status, Generation first, WebApplication listener, (IPAddress, int) binding)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        _logging = telemetry;
        _status = status;
        _logger = loggerFactory.CreateLogger("Cuttle");
        _current = first;
        _listener = listener;
        _binding = binding;
        _revoker = new Auth.RevokerServer(loggerFactory, () => _current);
        _telemetry = new TelemetryHost(loggerFactory, status, () => TimeSpan.FromTicks(Interlocked.Read(ref _lastDrainTicks)).TotalSeconds);
        _deadlines = new Connections.RequestDeadlines(options.TimeProvider, loggerFactory.CreateLogger("Cuttle.Hosting.Connections"));
    }

    private readonly Connections.RequestDeadlines _deadlines; // write_timeout, read_timeout

    /// <summary>The telemetry/opentelemetry providers and exporters of this server.</summary>
    internal TelemetryHost Telemetry => _telemetry;

    public Generation Current => _current;

    /// <summary>telemetry/metrics: the collector every generation instruments and the /__stats listener.</summary>
    internal StatsServer Stats { get; private init; } = null!;

    /// <summary>cuttle/console: the live console and the reload history it shows.</summary>
    internal ConsoleServer LiveConsole { get; private init; } = null!;

    /// <summary>The port the live listener actually bound (useful with port 0).</summary>
    public int Port { get; private set; }

    public static async Task<GatewayServer> StartAsync(GatewayConfig config, ServerOptions options)
    {
        // Cuttle's own console output, used as it always was while no telemetry logging namespace is configured.
        var consoleFactory = LoggerFactory.Create(b => ConfigureLogging(b, options.Debug));
        var telemetry = new TelemetryLogging(consoleFactory, options.LogOutput ?? Console.OpenStandardOutput(),
            options.LogErrors ?? Console.Error, options.TimeProvider, options.SyslogPath);
        telemetry.Apply(config);
        var loggerFactory = LoggerFactory.Create(b => ConfigureTelemetryLogging(b, telemetry));
        GatewayServer? server = null;
        var status = new ReloadStatusSource();
        var stats = new StatsServer(loggerFactory, options.TimeProvider);
        var console = new ConsoleServer(loggerFactory, options.TimeProvider, options.ConsoleAddress, stats.Collector);
        var first = GenerationBuilder.Build(config, new GenerationOptions
        {
            Number = 1,
            Debug = options.Debug,
            LoggerFactory = loggerFactory,
            TimeProvider = options.TimeProvider,
            // KrakenD's /__health is {"agents":{},"now":…,"status":"ok"} for anyone who can reach it; the gateway's own
            // details (generation, config hash, the last reload's error) only in debug mode.
            ReloadStatus = options.Debug ? status : null,
            Stats = stats.Collector,
            Traffic = console.TrafficFor(config),
        });
        status.Current = new ReloadStatus(first.Number, config.ContentHash, first.LoadedAt, Reloads: 0, RejectedReloads: 0,
            LastReloadError: null, LastReloadAttempt: null, options.KestrelSocketTransport ? "kestrel" : "cuttle");
        var binding = BindingFor(config, options);
        WebApplication listener;
        int port;
        ServerTls? tls = null;
        // The listener accepts as soon as it is bound, before the server, its telemetry providers, stats and console
        // exist: a request that arrives in that window waits for them rather than running without its spans and
        // counters (or on a server not yet assigned). Once started, the check is one completed-task test.
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            tls = StartTls(config, loggerFactory, options, status);
            (listener, port) = await StartListenerAsync(binding, config, options,
                ctx => ready.Task.IsCompletedSuccessfully ? server!.HandleAsync(ctx) : HandleAfterStartAsync(ready.Task, () => server!, ctx), tls).ConfigureAwait(false);
        }
        catch
        {
            ready.TrySetCanceled();
            if (tls is not null) await tls.DisposeAsync().ConfigureAwait(false);
            await first.DisposeAsync().ConfigureAwait(false);
            loggerFactory.Dispose();
            telemetry.Dispose();
            throw;
        }
        server = new GatewayServer(options, loggerFactory, telemetry, status, first, listener, binding) { Port = port, Stats = stats, LiveConsole = console };
        server._tls = tls;
        server._shape = ListenerProtocols.ShapeOf(tls is not null, config.UseH2c);
        try
        {
            await stats.ApplyAsync(config, first.Number).ConfigureAwait(false);
            console.Attach(() => server.Current, () => server.Port);
            console.History.Started(first.Number, config.ContentHash, first.LoadedAt);
            await console.ApplyAsync(config, first.Number).ConfigureAwait(false);
            await server._revoker.ApplyAsync(config).ConfigureAwait(false);
            server._telemetry.Apply(config);
        }
        catch
        {
            ready.TrySetCanceled(); // waiting requests end instead of hanging on a server that did not start
            throw;
        }
        ready.TrySetResult();
        Log.Started(server._logger, port, config.Endpoints.Length, config.SourcePath);
        return server;
    }

    /// <summary>A request that arrived while the server was still starting: served once it has started.</summary>
    private static async Task HandleAfterStartAsync(Task started, Func<GatewayServer> server, HttpContext context)
    {
        await started.ConfigureAwait(false);
        await server().HandleAsync(context).ConfigureAwait(false);
    }

    private static void ConfigureLogging(ILoggingBuilder builder, bool debug)
    {
        builder.ClearProviders();
        builder.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy/MM/dd HH:mm:ss ";
        });
        builder.SetMinimumLevel(debug ? LogLevel.Debug : LogLevel.Information);
        builder.AddFilter("Microsoft", LogLevel.Warning);
        // Start-up failures are reported by the CLI as one clear line; the host would log them again with a stack trace.
        builder.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        // ASP.NET Core's hosting layer starts an Activity and a logging scope for every request as soon as its logger
        // is enabled at any level; it only ever logs request start/finish, which the gateway does not use. Off, it
        // saves about 600 bytes and two ExecutionContext copies per request (measured with AllocationTick events).
        builder.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    }

    /// <summary>
    /// The gateway's and host's loggers go through <see cref="TelemetryLogging"/>, which decides the level and the line
    /// shape from the live configuration; the static filters below are the console's (they hide the same framework
    /// categories in both shapes).
    /// </summary>
    private static void ConfigureTelemetryLogging(ILoggingBuilder builder, TelemetryLogging telemetry)
    {
        builder.ClearProviders();
        builder.AddProvider(telemetry);
        builder.SetMinimumLevel(LogLevel.Trace);
        builder.AddFilter("Microsoft", LogLevel.Warning);
        builder.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    }

    private static (IPAddress Address, int Port) BindingFor(GatewayConfig config, ServerOptions options)
    {
        var address = options.ListenAddress ?? (string.IsNullOrEmpty(config.ListenIp) ? IPAddress.Any : IPAddress.Parse(config.ListenIp));
        return (address, options.PortOverride ?? config.Port);
    }

    /// <summary>The TLS listener's certificates, loaded before the listener binds; a file that cannot be used stops the start.</summary>
    private static ServerTls? StartTls(GatewayConfig config, ILoggerFactory loggerFactory, ServerOptions options, ReloadStatusSource status)
    {
        if (config.Tls is null) return null;
        try
        {
            return ServerTls.Start(config.Tls, loggerFactory, options.TimeProvider, status);
        }
        catch (TlsFileException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }
    }

    private static async Task<(WebApplication, int)> StartListenerAsync((IPAddress Address, int Port) binding, GatewayConfig config, ServerOptions options, RequestDelegate handler, ServerTls? tls)
    {
        // The empty builder: no appsettings.json or environment configuration sources (a krakend.json directory is not an
        // ASP.NET Core content root), and so no recursive file watch of the working directory, which the slim builder
        // set up before the listener could start. Kestrel is the only server piece the gateway needs.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore();
        // The gateway's transport (requests parsed on the receiving socket thread), or Kestrel's socket connections behind
        // the gateway's accept loop (which backs off when descriptors run out), registered after Kestrel's own transport
        // so Kestrel picks it (the last registered factory wins).
        if (options.KestrelSocketTransport) builder.Services.AddSingleton<IConnectionListenerFactory, KestrelSocketTransport>();
        else builder.Services.AddSingleton<IConnectionListenerFactory, GatewaySocketTransport>();
        ConfigureLogging(builder.Logging, options.Debug);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false; // Go's net/http sends no Server header
            // Go writes header values as the bytes they are; a no-op pass-through carries a backend's obs-text
            // (RFC 9110 section 5.5), read as Latin-1, which Kestrel's default (ASCII only) refuses with a 500.
            k.ResponseHeaderEncodingSelector = static _ => System.Text.Encoding.Latin1;
            // Go's http.Server: an unset ReadHeaderTimeout or IdleTimeout takes ReadTimeout (read_timeout's body part and
            // write_timeout are per-request deadlines, see RequestDeadlines).
            var readHeader = config.ReadHeaderTimeout > TimeSpan.Zero ? config.ReadHeaderTimeout : config.ReadTimeout;
            var idle = config.IdleTimeout > TimeSpan.Zero ? config.IdleTimeout : config.ReadTimeout;
            if (readHeader > TimeSpan.Zero) k.Limits.RequestHeadersTimeout = readHeader;
            if (idle > TimeSpan.Zero) k.Limits.KeepAliveTimeout = idle;
            if (config.MaxHeaderBytes > 0) k.Limits.MaxRequestHeadersTotalSize = config.MaxHeaderBytes;
            // KrakenD (Go) puts no cap on request bodies; Kestrel's default 30 MB would refuse uploads KrakenD forwards.
            k.Limits.MaxRequestBodySize = null;
            // Clear-text HTTP/1.1, HTTPS (h2 and http/1.1 by ALPN) or h2c, and the signed Content-Length check.
            k.Listen(binding.Address, binding.Port, listen => ListenerProtocols.Configure(listen, tls, config.UseH2c, ListenerProtocols.HandshakeTimeout(config)));
        });
        builder.Services.Configure<HostOptions>(h =>
            h.ShutdownTimeout = config.MaxShutdownWaitTime > TimeSpan.Zero ? config.MaxShutdownWaitTime : TimeSpan.FromSeconds(30));
        var app = builder.Build();
        app.Run(handler);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var port = binding.Port;
        foreach (var url in app.Urls)
        {
            var i = url.LastIndexOf(':');
            if (i > 0 && int.TryParse(url.AsSpan(i + 1).TrimEnd('/'), out var p)) { port = p; break; }
        }
        return (app, port);
    }

    /// <summary>Completes when the process is asked to stop (SIGTERM/SIGINT stop the live listener).</summary>
    public async Task WaitForShutdownAsync()
    {
        while (true)
        {
            var listener = _listener;
            await listener.WaitForShutdownAsync().ConfigureAwait(false);
            // A listener retired by a rebind also stops; only the live one stopping means shutdown.
            if (ReferenceEquals(listener, _listener)) return;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (HttpProtocol.IsHttp2(context.Request.Protocol) && Connections.Http2RequestGuard.IsMalformed(context.Request.Headers))
        {
            // A malformed HTTP/2 request is a stream error, as Go's server answers it; no handler, no log line.
            context.Features.Get<IHttpResetFeature>()?.Reset(Connections.Http2RequestGuard.ProtocolError);
            return;
        }
        // The one read of the live generation for this request: it serves the request to the end.
        var generation = _current;
        generation.Enter();
        var accessStart = _logging.AccessStart();
        var deadline = _deadlines.Start(context, generation.Config.ReadTimeout, generation.Config.WriteTimeout);
        DispatchObservation observation = default;
        bool failed = false, threw = true;
        try
        {
            await generation.DispatchAsync(context, out observation).ConfigureAwait(false);
            threw = false;
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException or ConnectionResetException)
        {
            // The client hung up; nothing to answer.
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            if (!context.Response.HasStarted) context.Response.StatusCode = 400;
        }
        catch (Exception ex)
        {
            failed = true;
            Log.Unhandled(_logger, context.Request.Method, context.Request.Path.Value ?? "", ex);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = 500;
            }
            else
            {
                context.Abort();
            }
        }
        finally
        {
            deadline?.Finish();
            generation.EndObservation(observation, context, failed, threw);
            generation.Exit();
            if (accessStart != 0) _logging.Access(context, accessStart, generation.ClientIp.ClientIp(context));
        }
    }

    /// <summary>
    /// Builds a generation from <paramref name="config"/> (and a listener, if the binding changed) and swaps it in. A
    /// failure leaves the live generation untouched and is logged (and reported at /__health in debug mode) until the
    /// next successful reload.
    /// </summary>
    public async Task<ReloadOutcome> ReloadAsync(GatewayConfig config)
    {
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var started = _options.TimeProvider.GetTimestamp();
            _status.Current = _status.Current! with { LastReloadAttempt = _options.TimeProvider.GetUtcNow() };
            var old = _current;
            Generation next;
            try
            {
                next = GenerationBuilder.Build(config, new GenerationOptions
                {
                    Number = old.Number + 1,
                    Debug = _options.Debug,
                    LoggerFactory = _loggerFactory,
                    TimeProvider = _options.TimeProvider,
                    ReloadStatus = _options.Debug ? _status : null,
                    PreviousClient = old.Client,
                    Stats = Stats.Collector,
                    PreviousState = old.State,
                    Traffic = LiveConsole.TrafficFor(config),
                });
            }
            catch (Exception ex) when (ex is GatewayBuildException or ArgumentException or FormatException or UriFormatException)
            {
                return RejectCore(SecretMask.Apply(ex.Message));
            }

            var binding = BindingFor(config, _options);
            var shape = ListenerProtocols.ShapeOf(config.Tls is not null, config.UseH2c);
            if (binding == _binding && shape != _shape)
            {
                // Clear text and TLS cannot share a port, and the listener cannot be rebound on its own port without a
                // moment in which connections are refused: keep serving, say why.
                await next.DisposeAsync().ConfigureAwait(false);
                return RejectCore($"the listener on port {Port} serves {_shape}; serving {shape} instead (a tls block added, removed or disabled, or use_h2c changed) needs a restart, or a new port");
            }
            var tls = _tls;
            ServerTls? retiredTls = null;
            try
            {
                if (config.Tls is null) { retiredTls = tls; tls = null; }
                else if (tls is null) tls = ServerTls.Start(config.Tls, _loggerFactory, _options.TimeProvider, _status);
                else await tls.ApplyAsync(config.Tls).ConfigureAwait(false); // new handshakes use the new block from here
            }
            catch (TlsFileException ex)
            {
                await next.DisposeAsync().ConfigureAwait(false);
                return RejectCore(SecretMask.Apply(ex.Message));
            }
            WebApplication? retiredListener = null;
            if (binding != _binding)
            {
                try
                {
                    var (listener, port) = await StartListenerAsync(binding, config, _options, HandleAsync, tls).ConfigureAwait(false);
                    retiredListener = _listener;
                    _listener = listener;
                    _binding = binding;
                    Port = port;
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
                {
                    if (tls is not null && !ReferenceEquals(tls, _tls)) await tls.DisposeAsync().ConfigureAwait(false);
                    await next.DisposeAsync().ConfigureAwait(false);
                    return RejectCore(SecretMask.Apply($"cannot listen on {binding.Address}:{binding.Port}: {ex.Message}"));
                }
            }

            _current = next; // the swap: every request that starts from here on is served by the new generation
            _tls = tls;
            _shape = shape;
            if (retiredTls is not null)
            {
                _status.Tls = null;
                await retiredTls.DisposeAsync().ConfigureAwait(false);
            }
            _logging.Apply(config); // the log level, formats and destinations follow, like everything else
            var swapped = _options.TimeProvider.GetElapsedTime(started);
            await Stats.ApplyAsync(config, next.Number).ConfigureAwait(false);
            await _revoker.ApplyAsync(config).ConfigureAwait(false);
            var status = _status.Current!;
            _status.Current = status with
            {
                Generation = next.Number,
                ConfigHash = config.ContentHash,
                LoadedAt = next.LoadedAt,
                Reloads = status.Reloads + 1,
                LastReloadError = null,
            };
            var diff = EndpointDiff.Compute(old.Config, config);
            Log.Reloaded(_logger, next.Number, swapped.TotalMilliseconds, diff.Added, diff.Removed, diff.Changed, Short(config.ContentHash),
                retiredListener is null ? "" : $"; now listening on port {Port}");
            // Telemetry follows the live configuration: sample rate in place, exporters rebuilt only when they changed.
            _telemetry.Apply(config);
            var reloadId = LiveConsole.History.Applied(next.Number, config.ContentHash, _options.TimeProvider.GetUtcNow(), swapped, old.Config, config);
            await LiveConsole.ApplyAsync(config, next.Number).ConfigureAwait(false);
            _ = RetireAsync(old, retiredListener, reloadId);
            return new ReloadOutcome(true, next.Number, null, swapped, diff);
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private static string Short(string hash) => hash.Length >= 12 ? hash[..12] : hash;

    /// <summary>Records a configuration that could not be loaded; the live generation keeps serving.</summary>
    /// <param name="error">What is wrong, credentials already masked (<see cref="SecretMask"/>).</param>
    public async Task<ReloadOutcome> RejectAsync(string error)
    {
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        try { return RejectCore(SecretMask.Apply(error)); }
        finally { _reloadGate.Release(); }
    }

    private ReloadOutcome RejectCore(string error)
    {
        // Reloads and rejections are serialized by the reload gate, so replacing the record cannot lose an update.
        var status = _status.Current!;
        _status.Current = status with
        {
            LastReloadAttempt = _options.TimeProvider.GetUtcNow(),
            LastReloadError = error,
            RejectedReloads = status.RejectedReloads + 1,
        };
        Log.ReloadRejected(_logger, _current.Number, error);
        LiveConsole.History.Rejected(_current.Number, _options.TimeProvider.GetUtcNow(), error);
        return new ReloadOutcome(false, _current.Number, error, TimeSpan.Zero, default);
    }

    private async Task RetireAsync(Generation old, WebApplication? listener, long reloadId)
    {
        try
        {
            if (listener is not null)
            {
                // Graceful: stop accepting, let requests on already-accepted connections finish.
                await listener.StopAsync().ConfigureAwait(false);
                await listener.DisposeAsync().ConfigureAwait(false);
            }
            var drainStarted = _options.TimeProvider.GetTimestamp();
            await old.DrainAsync(_options.DrainTimeout).ConfigureAwait(false);
            var drained = _options.TimeProvider.GetElapsedTime(drainStarted);
            Interlocked.Exchange(ref _lastDrainTicks, drained.Ticks);
            LiveConsole.History.Drained(reloadId, drained);
            Log.Retired(_logger, old.Number, old.InFlight);
        }
        finally
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    public Task StopAsync() => _listener.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        if (_tls is not null) await _tls.DisposeAsync().ConfigureAwait(false);
        await _current.DisposeAsync().ConfigureAwait(false);
        _telemetry.Dispose();
        await Stats.DisposeAsync().ConfigureAwait(false);
        await LiveConsole.DisposeAsync().ConfigureAwait(false);
        await _revoker.DisposeAsync().ConfigureAwait(false);
        _loggerFactory.Dispose();
        _logging.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.Started, Level = LogLevel.Information, Message = "Cuttle listening on port {Port}: {Endpoints} endpoints from {Source}")]
        public static partial void Started(ILogger logger, int port, int endpoints, string source);

        [LoggerMessage(EventId = EventIds.Reloaded, Level = LogLevel.Information, Message = "reload: generation {Generation} live, built and swapped in {Ms:0.0} ms; endpoints +{Added} -{Removed} ~{Changed}; config {Hash}{Listener}")]
        public static partial void Reloaded(ILogger logger, long generation, double ms, int added, int removed, int changed, string hash, string listener);

        [LoggerMessage(EventId = EventIds.ReloadRejected, Level = LogLevel.Error, Message = "reload rejected, generation {Generation} keeps serving: {Error}")]
        public static partial void ReloadRejected(ILogger logger, long generation, string error);

        [LoggerMessage(EventId = EventIds.Retired, Level = LogLevel.Debug, Message = "generation {Generation} retired ({InFlight} requests still in flight after the drain)")]
        public static partial void Retired(ILogger logger, long generation, int inFlight);

        [LoggerMessage(EventId = EventIds.Unhandled, Level = LogLevel.Error, Message = "unhandled error serving {Method} {Path}")]
        public static partial void Unhandled(ILogger logger, string method, string path, Exception ex);
    }
}
