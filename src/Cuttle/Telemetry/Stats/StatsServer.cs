using System.Net;
using System.Net.Sockets;
using System.Text;
using Cuttle.Config.Model;
using Cuttle.Diagnostics;
using Cuttle.Gateway.Telemetry.Stats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Telemetry.Stats;

/// <summary>
/// The host side of telemetry/metrics: the process's one <see cref="StatsCollector"/>, which every generation
/// instruments, and the /__stats listener on its own address (krakend-metrics' RunEndpoint: a separate http.Server on
/// listen_address). After each swap the host calls <see cref="ApplyAsync"/>: the ticker follows collection_time,
/// metrics the new configuration no longer names are pruned, and the listener is rebound when listen_address changed
/// (or stopped when the namespace or the endpoint is gone). A port that cannot be bound is one error line; the gateway
/// keeps serving, as KrakenD's goroutine logs ListenAndServe's error and carries on, and a listener already serving
/// /__stats keeps serving it until a later reload binds the new address.
/// </summary>
internal sealed partial class StatsServer : IAsyncDisposable
{
    private readonly ILogger _logger;
    private WebApplication? _listener;
    private string? _address;

    public StatsServer(ILoggerFactory loggerFactory, TimeProvider time)
    {
        _logger = loggerFactory.CreateLogger("Cuttle.Stats");
        Collector = new StatsCollector(time);
        _influx = new Influx.InfluxPusher(Collector, time, loggerFactory);
    }

    private readonly Influx.InfluxPusher _influx;

    public StatsCollector Collector { get; }

    /// <summary>The port /__stats is served on (the bound one when listen_address asks for port 0); 0 when not serving.</summary>
    public int Port { get; private set; }

    public async Task ApplyAsync(GatewayConfig config, long generation)
    {
        Collector.Prune(generation);
        _influx.Apply(config); // telemetry/influx reads this collector's snapshots
        if (config.Metrics is not { } metrics)
        {
            Collector.Stop();
            await StopListenerAsync().ConfigureAwait(false);
            return;
        }
        Collector.Start(metrics.CollectionTime);
        if (metrics.EndpointDisabled)
        {
            await StopListenerAsync().ConfigureAwait(false);
            return;
        }
        if (_listener is not null && _address == metrics.ListenAddress) return;
        WebApplication listener;
        int port;
        try
        {
            (listener, port) = await StartListenerAsync(metrics).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException)
        {
            Log.BindFailed(_logger, metrics.ListenAddress, Innermost(ex).Message, _listener is null ? "" : $"; still serving it on {_address}");
            return;
        }
        await StopListenerAsync().ConfigureAwait(false);
        _listener = listener;
        _address = metrics.ListenAddress;
        Port = port;
        Log.Listening(_logger, metrics.ListenAddress, port);
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }

    private async Task<(WebApplication, int)> StartListenerAsync(MetricsOptions metrics)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore();
        builder.Logging.ClearProviders();
        var addresses = await AddressesAsync(metrics.ListenHost).ConfigureAwait(false);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // krakend-metrics' http.Server: ReadHeaderTimeout 3s.
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(3);
            // Go's ":8090" listens on every address, IPv6 and IPv4 (a dual-stack socket): Kestrel's ListenAnyIP.
            if (addresses is null) k.ListenAnyIP(metrics.ListenPort);
            else k.Listen(addresses, metrics.ListenPort);
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var port = metrics.ListenPort;
        foreach (var url in app.Urls)
        {
            var i = url.LastIndexOf(':');
            if (i > 0 && int.TryParse(url.AsSpan(i + 1).TrimEnd('/'), out var p)) { port = p; break; }
        }
        return (app, port);
    }

    /// <summary>null for every interface; an IP literal as written; a host name resolved, its first IPv4 address
    /// preferred, as Go's net.Listen("tcp", …) does.</summary>
    private static async Task<IPAddress?> AddressesAsync(string host)
    {
        if (host.Length == 0) return null;
        if (IPAddress.TryParse(host, out var ip)) return ip;
        var found = await Dns.GetHostAddressesAsync(host).ConfigureAwait(false);
        foreach (var a in found) if (a.AddressFamily == AddressFamily.InterNetwork) return a;
        return found.Length > 0 ? found[0] : throw new IOException($"no address for host {host}");
    }

    /// <summary>
    /// krakend-metrics' gin engine: GET /__stats answers the registry; /__stats/ redirects (RedirectTrailingSlash);
    /// another method is gin's 405, any other path gin's 404.
    /// </summary>
    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        var response = context.Response;
        if (path == "/__stats")
        {
            if (!HttpMethods.IsGet(context.Request.Method))
                return Text(response, 405, "405 method not allowed");
            var body = Encoding.UTF8.GetBytes(Collector.RenderJson());
            response.StatusCode = 200;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body).AsTask();
        }
        if (path == "/__stats/" && HttpMethods.IsGet(context.Request.Method))
        {
            response.StatusCode = 301;
            response.Headers.Location = "/__stats";
            return Task.CompletedTask;
        }
        return Text(response, 404, "404 page not found");
    }

    private static Task Text(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain";
        response.ContentLength = text.Length;
        return response.WriteAsync(text);
    }

    private async Task StopListenerAsync()
    {
        if (_listener is not { } listener) return;
        _listener = null;
        _address = null;
        Port = 0;
        Log.Stopping(_logger);
        try
        {
            // krakend-metrics gives the stats server one second to shut down.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await listener.StopAsync(cts.Token).ConfigureAwait(false);
        }
        finally
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _influx.Dispose();
        Collector.Dispose();
        await StopListenerAsync().ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.StatsListening, Level = LogLevel.Information, Message = "[SERVICE: Stats] The endpoint /__stats is now available on {Address} (port {Port})")]
        public static partial void Listening(ILogger logger, string address, int port);

        [LoggerMessage(EventId = EventIds.StatsBindFailed, Level = LogLevel.Error, Message = "[SERVICE: Stats] cannot listen on {Address} for /__stats: {Error}; the gateway keeps serving{Previous}")]
        public static partial void BindFailed(ILogger logger, string address, string error, string previous);

        [LoggerMessage(EventId = EventIds.StatsStopping, Level = LogLevel.Information, Message = "[SERVICE: Stats] Shutting down the metrics endpoint handler")]
        public static partial void Stopping(ILogger logger);
    }
}
