using System.Net;
using Cuttle.Config.Model;
using Cuttle.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cuttle.Hosting;

/// <summary>
/// Owns Kestrel and the single mutable thing in the system: the reference to the live <see cref="Generation"/>.
/// A request reads it once and stays on that generation; <see cref="Reload"/> builds the next one off the request
/// path, swaps the reference and drains the old one in the background.
/// </summary>
internal sealed partial class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServerOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private volatile Generation _current;
    private long _generationNumber;
    private string? _lastReloadError;
    private DateTimeOffset? _lastReloadAttempt;

    private GatewayServer(WebApplication app, Generation first, ServerOptions options, ILogger logger)
    {
        _app = app;
        _current = first;
        _options = options;
        _logger = logger;
        _generationNumber = first.Number;
    }

    public Generation Current => _current;

    /// <summary>The port Kestrel actually bound (useful with port 0).</summary>
    public int Port { get; private set; }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public static async Task<GatewayServer> StartAsync(GatewayConfig config, ServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy/MM/dd HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(options.Debug ? LogLevel.Debug : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        var port = options.PortOverride ?? config.Port;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false; // Go's net/http sends no Server header
            ApplyLimits(k, config);
            var address = string.IsNullOrEmpty(config.ListenIp) ? IPAddress.Any : IPAddress.Parse(config.ListenIp);
            if (options.ListenAddress is { } forced) address = forced;
            k.Listen(address, port);
        });
        builder.Services.Configure<HostOptions>(h =>
            h.ShutdownTimeout = config.MaxShutdownWaitTime > TimeSpan.Zero ? config.MaxShutdownWaitTime : TimeSpan.FromSeconds(30));
        var app = builder.Build();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("Cuttle");

        GatewayServer? server = null;
        var first = GenerationBuilder.Build(config, new GenerationOptions
        {
            Number = 1,
            Debug = options.Debug,
            LoggerFactory = loggerFactory,
            HealthExtras = () => server!.HealthExtras(),
        });
        server = new GatewayServer(app, first, options, logger) { _loggerFactory = loggerFactory };
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        server.Port = ResolvePort(app, port);
        Log.Started(logger, server.Port, config.Endpoints.Length, config.SourcePath);
        return server;
    }

    private ILoggerFactory _loggerFactory = null!;

    private static int ResolvePort(WebApplication app, int configured)
    {
        foreach (var url in app.Urls)
        {
            if (Uri.TryCreate(url.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal), UriKind.Absolute, out var uri))
                return uri.Port;
        }
        return configured;
    }

    private static void ApplyLimits(KestrelServerOptions k, GatewayConfig config)
    {
        if (config.ReadHeaderTimeout > TimeSpan.Zero) k.Limits.RequestHeadersTimeout = config.ReadHeaderTimeout;
        if (config.IdleTimeout > TimeSpan.Zero) k.Limits.KeepAliveTimeout = config.IdleTimeout;
        if (config.MaxHeaderBytes > 0) k.Limits.MaxRequestHeadersTotalSize = config.MaxHeaderBytes;
        // KrakenD (Go) puts no cap on request bodies; Kestrel's default 30 MB would reject uploads KrakenD forwards.
        k.Limits.MaxRequestBodySize = null;
    }

    private async Task HandleAsync(HttpContext context)
    {
        // The one read of the live generation for this request: it serves the request to the end.
        var generation = _current;
        try
        {
            await generation.HandleAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException or ConnectionResetException)
        {
            // The client hung up; nothing to answer.
        }
        catch (Exception ex) when (ex is Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            if (!context.Response.HasStarted) context.Response.StatusCode = 400;
        }
        catch (Exception ex)
        {
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
    }

    /// <summary>
    /// Builds a generation from <paramref name="config"/> and swaps it in. A failure leaves the live generation untouched
    /// and is reported at /__health until the next successful reload.
    /// </summary>
    public ReloadOutcome Reload(GatewayConfig config)
    {
        lock (_reloadLock)
        {
            var started = TimeProvider.System.GetTimestamp();
            _lastReloadAttempt = DateTimeOffset.UtcNow;
            var old = _current;
            Generation next;
            try
            {
                next = GenerationBuilder.Build(config, new GenerationOptions
                {
                    Number = _generationNumber + 1,
                    Debug = _options.Debug,
                    LoggerFactory = _loggerFactory,
                    HealthExtras = HealthExtras,
                });
            }
            catch (Exception ex) when (ex is GatewayBuildException or ArgumentException or FormatException or UriFormatException)
            {
                return Reject(ex.Message);
            }
            var built = TimeProvider.System.GetElapsedTime(started);
            _generationNumber = next.Number;
            _current = next; // the swap: new requests see the new generation from here on
            _lastReloadError = null;
            var diff = EndpointDiff.Compute(old.Config, config);
            Log.Reloaded(_logger, next.Number, built.TotalMilliseconds, diff.Added, diff.Removed, diff.Changed, config.ContentHash.Length >= 12 ? config.ContentHash[..12] : config.ContentHash);
            _ = RetireAsync(old);
            return new ReloadOutcome(true, next.Number, null, built, diff);
        }
    }

    /// <summary>Records a configuration that could not be loaded; the live generation keeps serving.</summary>
    public ReloadOutcome Reject(string error)
    {
        _lastReloadAttempt = DateTimeOffset.UtcNow;
        _lastReloadError = error;
        Log.ReloadRejected(_logger, _current.Number, error);
        return new ReloadOutcome(false, _current.Number, error, TimeSpan.Zero, default);
    }

    private async Task RetireAsync(Generation old)
    {
        await old.DrainAsync(_options.DrainTimeout).ConfigureAwait(false);
        await old.DisposeAsync().ConfigureAwait(false);
        Log.Retired(_logger, old.Number, old.InFlight);
    }

    private Dictionary<string, object?> HealthExtras()
    {
        var g = _current;
        var info = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["generation"] = g.Number,
            ["config_hash"] = g.Config.ContentHash,
            ["loaded_at"] = g.LoadedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["last_reload_error"] = _lastReloadError,
        };
        if (_lastReloadAttempt is { } at) info["last_reload_attempt"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return new Dictionary<string, object?>(StringComparer.Ordinal) { ["cuttle"] = info };
    }

    public async Task StopAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        await _current.DisposeAsync().ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Cuttle listening on port {Port}: {Endpoints} endpoints from {Source}")]
        public static partial void Started(ILogger logger, int port, int endpoints, string source);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "reload: generation {Generation} live (built in {BuildMs:0.0} ms; endpoints +{Added} -{Removed} ~{Changed}; config {Hash})")]
        public static partial void Reloaded(ILogger logger, long generation, double buildMs, int added, int removed, int changed, string hash);

        [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "reload rejected, generation {Generation} keeps serving: {Error}")]
        public static partial void ReloadRejected(ILogger logger, long generation, string error);

        [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "generation {Generation} retired ({InFlight} requests still in flight after the drain timeout)")]
        public static partial void Retired(ILogger logger, long generation, int inFlight);

        [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "unhandled error serving {Method} {Path}")]
        public static partial void Unhandled(ILogger logger, string method, string path, Exception ex);
    }
}
