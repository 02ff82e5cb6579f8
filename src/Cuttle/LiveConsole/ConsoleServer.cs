using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cuttle.Config.Model;
using Cuttle.Diagnostics;
using Cuttle.Gateway;
using Cuttle.Gateway.Telemetry.Traffic;
using Cuttle.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.LiveConsole;

/// <summary>
/// The live console: a page and its JSON APIs on a listener of its own (an admin port clients need not reach), off
/// unless the configuration has "cuttle/console" or `run --console ADDR` is given. It reads host state only: the live
/// generation, the reload history, the watched files and the counters of <see cref="TrafficRegistry"/>, which the
/// builder puts on the request path only while the console is on. After each swap the host calls
/// <see cref="ApplyAsync"/>: a changed address rebinds (the old listener's event streams end, the page reconnects), a
/// removed block stops it. A port that cannot be bound is one error line; the gateway keeps serving.
/// </summary>
internal sealed partial class ConsoleServer : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string? _cliAddress;
    private readonly TrafficSampler _sampler;
    private Func<Generation> _live = null!;
    private Func<int> _gatewayPort = static () => 0;
    private WebApplication? _listener;
    private CancellationTokenSource? _streams;
    private ConsoleSettings? _settings;
    private volatile Credentials _credentials = Credentials.None;

    public ConsoleServer(ILoggerFactory loggerFactory, TimeProvider time, string? cliAddress, Gateway.Telemetry.Stats.StatsCollector? metrics)
    {
        _logger = loggerFactory.CreateLogger("Cuttle.Console");
        _time = time;
        _cliAddress = cliAddress;
        _sampler = new TrafficSampler(Registry, metrics, time);
    }

    /// <summary>The console's counters; a generation gets them only while the console is on (<see cref="TrafficFor"/>).</summary>
    public TrafficRegistry Registry { get; } = new();

    /// <summary>Every reload attempt, recorded whether or not the console is on.</summary>
    public ReloadHistory History { get; } = new();

    /// <summary>`run --watch`: set by the reloader while it watches the configuration's files.</summary>
    public bool Watching { get; set; }

    public TimeSpan? PollInterval { get; set; }

    /// <summary>The port the console is served on (the bound one for port 0); 0 when off.</summary>
    public int Port { get; private set; }

    /// <summary>
    /// The registry for a generation built from <paramref name="config"/>: null (no counters) when the console is off, or
    /// when telemetry/metrics already counts what the console shows.
    /// </summary>
    public TrafficRegistry? TrafficFor(GatewayConfig config)
        => ConsoleSettings.For(config, _cliAddress) is null || _sampler.ReadsMetrics(config) ? null : Registry;

    public void Attach(Func<Generation> live, Func<int> gatewayPort)
    {
        _live = live;
        _gatewayPort = gatewayPort;
        _sampler.Live = live;
    }

    /// <summary>Follows the live configuration: bind, rebind, keep, or stop the console.</summary>
    public async Task ApplyAsync(GatewayConfig config, long generation)
    {
        Registry.Prune(generation);
        var settings = ConsoleSettings.For(config, _cliAddress);
        if (settings is null)
        {
            await StopListenerAsync().ConfigureAwait(false);
            return;
        }
        _credentials = Credentials.From(settings);
        if (_credentials.Missing is { } missing) Log.CredentialsMissing(_logger, missing);
        if (_listener is not null && _settings is { } current && current.Host == settings.Host && current.Port == settings.Port)
        {
            _settings = settings;
            return;
        }
        WebApplication listener;
        int port;
        var streams = new CancellationTokenSource();
        try
        {
            (listener, port) = await StartListenerAsync(settings, streams.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException)
        {
            streams.Dispose();
            Log.BindFailed(_logger, settings.Address, Innermost(ex).Message, _listener is null ? "" : $"; still serving it on {_settings!.Address}");
            return;
        }
        await StopListenerAsync().ConfigureAwait(false);
        _listener = listener;
        _streams = streams;
        _settings = settings;
        Port = port;
        _sampler.Start();
        Log.Listening(_logger, settings.Address, port);
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }

    private async Task<(WebApplication, int)> StartListenerAsync(ConsoleSettings settings, CancellationToken streams)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore();
        builder.Logging.ClearProviders();
        IPAddress? address = null;
        if (settings.Host.Length > 0)
        {
            if (settings.Host == "localhost") address = IPAddress.Loopback;
            else if (!IPAddress.TryParse(settings.Host, out address))
            {
                foreach (var a in await Dns.GetHostAddressesAsync(settings.Host, CancellationToken.None).ConfigureAwait(false))
                    if (address is null || a.AddressFamily == AddressFamily.InterNetwork) address = a;
                if (address is null) throw new IOException($"no address for host {settings.Host}");
            }
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
            if (address is null) k.ListenAnyIP(settings.Port);
            else k.Listen(address, settings.Port);
        });
        var app = builder.Build();
        app.Run(context => HandleAsync(context, streams));
        try
        {
            await app.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var port = settings.Port;
        foreach (var url in app.Urls)
        {
            var i = url.LastIndexOf(':');
            if (i > 0 && int.TryParse(url.AsSpan(i + 1).TrimEnd('/'), out var p)) { port = p; break; }
        }
        return (app, port);
    }

    private Task HandleAsync(HttpContext context, CancellationToken streams)
    {
        var response = context.Response;
        var headers = response.Headers;
        // Everything the page loads comes from this listener: a CSP that allows nothing else makes that a promise.
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        if (!Authorized(context.Request, out var failure))
        {
            response.StatusCode = failure;
            if (failure == 401 && _credentials.User is not null) headers.WWWAuthenticate = "Basic realm=\"cuttle console\", charset=\"UTF-8\"";
            else if (failure == 401) headers.WWWAuthenticate = "Bearer realm=\"cuttle console\"";
            return Json(response, new ErrorView(failure == 401 ? "authentication required" : "console credentials are not set in the environment"), ConsoleJson.Default.ErrorView, failure);
        }
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            headers.Allow = "GET, HEAD";
            return Json(response, new ErrorView("method not allowed"), ConsoleJson.Default.ErrorView, 405);
        }
        var path = context.Request.Path.Value ?? "/";
        switch (path)
        {
            case "/":
            case "/index.html":
                return Asset(response, "index.html", "text/html; charset=utf-8");
            case "/console.js":
                return Asset(response, "console.js", "text/javascript; charset=utf-8");
            case "/console.css":
                return Asset(response, "console.css", "text/css; charset=utf-8");
            case "/api/generation":
                return Json(response, RouteTableView.Build(_live(), _gatewayPort()), ConsoleJson.Default.GenerationView);
            case "/api/reloads":
                return Json(response, History.View(), ConsoleJson.Default.ReloadsView);
            case "/api/traffic":
                return Json(response, _sampler.View(_live()), ConsoleJson.Default.TrafficView);
            case "/api/watcher":
                return Json(response, Watcher(), ConsoleJson.Default.WatcherView);
            case "/api/events":
                return EventsAsync(context, streams);
            default:
                return Json(response, new ErrorView("not found; see /api/generation, /api/reloads, /api/traffic, /api/watcher, /api/events"), ConsoleJson.Default.ErrorView, 404);
        }
    }

    private bool Authorized(HttpRequest request, out int failure)
    {
        failure = 0;
        var credentials = _credentials;
        if (credentials.Missing is not null)
        {
            failure = 503; // fail closed: auth was asked for and its secret is not there
            return false;
        }
        if (credentials.User is null && credentials.Token is null) return true;
        var header = request.Headers.Authorization.ToString();
        if (credentials.Token is { } token && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && FixedTimeEquals(header[7..].Trim(), token))
            return true;
        if (credentials.User is { } user && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                if (FixedTimeEquals(decoded, user + ":" + credentials.Password)) return true;
            }
            catch (FormatException)
            {
            }
        }
        failure = 401;
        return false;
    }

    private static bool FixedTimeEquals(string given, string expected)
        => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private WatcherView Watcher()
    {
        var config = _live().Config;
        var files = new List<WatchedFileView>();
        Add(config.SourcePath, "config");
        foreach (var f in ReferencedFiles.Collect(config)) Add(f, "referenced");
        return new WatcherView(Watching, PollInterval?.TotalMilliseconds, files);

        void Add(string path, string role)
        {
            if (string.IsNullOrEmpty(path)) return;
            var info = new FileInfo(path);
            files.Add(info.Exists
                ? new WatchedFileView(path, role, true, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), info.Length)
                : new WatchedFileView(path, role, false, null, null));
        }
    }

    /// <summary>
    /// GET /api/events: server-sent events. "traffic" (the /api/traffic body) every second; "reload" (the newest
    /// history id and the live generation) as soon as the history or the live generation changes, checked four times a
    /// second, so a reload reaches the page well within a second. Ends when the client goes or the listener retires.
    /// </summary>
    private async Task EventsAsync(HttpContext context, CancellationToken streams)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, streams);
        var ct = linked.Token;
        long version = -1, generation = -1;
        var tick = 0;
        try
        {
            await response.WriteAsync("retry: 1000\n\n", ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                var live = _live();
                if (History.Version != version || live.Number != generation)
                {
                    version = History.Version;
                    generation = live.Number;
                    var view = History.View();
                    var last = view.Reloads.Count > 0 ? view.Reloads[0].Id : 0;
                    await Event(response, "reload", new ReloadSignal(last, generation), ConsoleJson.Default.ReloadSignal, ct).ConfigureAwait(false);
                }
                if (tick++ % 4 == 0)
                    await Event(response, "traffic", _sampler.View(live), ConsoleJson.Default.TrafficView, ct).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(250), _time, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The page went away, or the listener is retiring; the page reconnects to wherever the console is now.
        }
    }

    private static async Task Event<T>(HttpResponse response, string name, T value, JsonTypeInfo<T> type, CancellationToken ct)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, type);
        var head = Encoding.ASCII.GetBytes("event: " + name + "\ndata: ");
        await response.Body.WriteAsync(head, ct).ConfigureAwait(false);
        await response.Body.WriteAsync(json, ct).ConfigureAwait(false);
        await response.Body.WriteAsync("\n\n"u8.ToArray(), ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private static Task Json<T>(HttpResponse response, T value, JsonTypeInfo<T> type, int status = 200)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, type);
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    private static Task Asset(HttpResponse response, string name, string contentType)
    {
        var body = ConsoleAssets.Get(name);
        response.StatusCode = 200;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    private async Task StopListenerAsync()
    {
        _sampler.Stop();
        if (_listener is not { } listener) return;
        _listener = null;
        _settings = null;
        Port = 0;
        var streams = _streams;
        _streams = null;
        try
        {
            streams?.Cancel();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await listener.StopAsync(cts.Token).ConfigureAwait(false);
        }
        finally
        {
            await listener.DisposeAsync().ConfigureAwait(false);
            streams?.Dispose();
        }
        Log.Stopped(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        await StopListenerAsync().ConfigureAwait(false);
        _sampler.Dispose();
    }

    /// <summary>The credentials read from the environment when the settings were applied.</summary>
    private sealed record Credentials(string? User, string? Password, string? Token, string? Missing)
    {
        public static readonly Credentials None = new(null, null, null, null);

        public static Credentials From(ConsoleSettings settings)
        {
            string? password = null, token = null;
            var missing = new List<string>();
            if (settings.BasicUser is not null)
            {
                password = Environment.GetEnvironmentVariable(settings.BasicPasswordEnv!);
                if (string.IsNullOrEmpty(password)) missing.Add(settings.BasicPasswordEnv!);
            }
            if (settings.TokenEnv is not null)
            {
                token = Environment.GetEnvironmentVariable(settings.TokenEnv);
                if (string.IsNullOrEmpty(token)) missing.Add(settings.TokenEnv);
            }
            return new Credentials(settings.BasicUser, password, token, missing.Count == 0 ? null : string.Join(", ", missing));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ConsoleListening, Level = LogLevel.Information, Message = "[SERVICE: Console] The live console is available on {Address} (port {Port})")]
        public static partial void Listening(ILogger logger, string address, int port);

        [LoggerMessage(EventId = EventIds.ConsoleBindFailed, Level = LogLevel.Error, Message = "[SERVICE: Console] cannot listen on {Address} for the console: {Error}; the gateway keeps serving{Previous}")]
        public static partial void BindFailed(ILogger logger, string address, string error, string previous);

        [LoggerMessage(EventId = EventIds.ConsoleStopped, Level = LogLevel.Information, Message = "[SERVICE: Console] The live console is stopped")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(EventId = EventIds.ConsoleCredentialsMissing, Level = LogLevel.Error, Message = "[SERVICE: Console] the environment variable(s) {Names} holding the console's credentials are empty; the console refuses every request until they are set")]
        public static partial void CredentialsMissing(ILogger logger, string names);
    }
}

/// <summary>The page, its script and stylesheet, embedded in the binary (no CDN, works offline), read once.</summary>
internal static class ConsoleAssets
{
    private static readonly Dictionary<string, byte[]> Cache = new(StringComparer.Ordinal);

    public static byte[] Get(string name)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(name, out var body)) return body;
            using var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream("console/" + name)
                ?? throw new InvalidOperationException($"console asset {name} is not embedded");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return Cache[name] = copy.ToArray();
        }
    }
}
