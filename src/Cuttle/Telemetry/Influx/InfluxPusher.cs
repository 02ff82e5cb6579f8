using System.Net.Http.Headers;
using System.Text;
using Cuttle.Config.Model;
using Cuttle.Diagnostics;
using Cuttle.Gateway.Telemetry.Stats;
using Microsoft.Extensions.Logging;

namespace Cuttle.Telemetry.Influx;

/// <summary>
/// telemetry/influx (krakend-influx): every ttl, the collector's latest snapshot goes to InfluxDB 1.x as one
/// POST {address}/write?db=…&amp;precision=s in line protocol, with HTTP basic credentials when a username is set (the
/// Go client v2's rules) and its fixed 10 s timeout. It runs on a timer, off the request path: a slow or unreachable
/// server never slows a request, a push still in flight when the next tick comes makes that tick skip (so nothing
/// queues up), and a failed batch is logged and dropped (KrakenD's retry buffer is always empty: see
/// <see cref="InfluxOptions"/>). Applied after each swap: unchanged settings keep the running timer.
/// </summary>
internal sealed partial class InfluxPusher : IDisposable
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);

    private readonly StatsCollector _collector;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InfluxLines _lines = new(HostName());
    private readonly object _lock = new();
    private HttpClient? _client;
    private ITimer? _timer;
    private InfluxOptions? _options;
    private Uri? _writeUri;
    private AuthenticationHeaderValue? _auth;
    private int _busy;

    public InfluxPusher(StatsCollector collector, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _collector = collector;
        _time = time;
        _logger = loggerFactory.CreateLogger("Cuttle.Influx");
    }

    /// <summary>Starts, re-times or stops pushing for the live configuration.</summary>
    public void Apply(GatewayConfig config)
    {
        var options = config.Metrics is null ? null : config.Influx;
        lock (_lock)
        {
            if (options == _options) return;
            _timer?.Dispose();
            _timer = null;
            _options = options;
            _collector.KeepSnapshots = options is not null;
            if (options is null) return;
            _client ??= new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { Timeout = ClientTimeout };
            _writeUri = WriteUri(options.Address, options.Database);
            _auth = BasicAuth(options.Username, options.Password);
            _timer = _time.CreateTimer(static s => _ = ((InfluxPusher)s!).PushAsync(), this, options.Ttl, options.Ttl);
            Log.Started(_logger, options.Address, options.Database, options.Ttl);
        }
    }

    /// <summary>One tick: the latest snapshot, written once; a tick while the previous write runs is skipped.</summary>
    internal async Task PushAsync()
    {
        if (Interlocked.Exchange(ref _busy, 1) == 1) return;
        try
        {
            HttpClient? client;
            Uri? uri;
            AuthenticationHeaderValue? auth;
            lock (_lock) (client, uri, auth) = (_client, _writeUri, _auth);
            if (client is null || uri is null || _collector.LatestSnapshot is not { } snapshot) return;
            string? body;
            lock (_lines) body = _lines.Render(snapshot);
            if (body is null) return;
            using var request = WriteRequest(uri, auth, body);
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                Log.WriteFailed(_logger, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}".Trim());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or ObjectDisposedException)
        {
            Log.WriteFailed(_logger, ex.Message);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>The Go client v2's write URL: {address}/write with the database and precision "s".</summary>
    internal static Uri WriteUri(string address, string database) =>
        new(address.TrimEnd('/') + "/write?db=" + Uri.EscapeDataString(database) + "&rp=&precision=s&consistency=");

    /// <summary>The Go client v2 sends basic credentials only when a username is set.</summary>
    internal static AuthenticationHeaderValue? BasicAuth(string username, string password) => username.Length == 0 ? null
        : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));

    /// <summary>One write as the Go client v2 makes it: line protocol POSTed as octet-stream by "InfluxDBClient".</summary>
    internal static HttpRequestMessage WriteRequest(Uri uri, AuthenticationHeaderValue? auth, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.UserAgent.ParseAdd("InfluxDBClient");
        request.Headers.Authorization = auth;
        return request;
    }

    private static string HostName()
    {
        try { return Environment.MachineName; }
        catch (InvalidOperationException) { return ""; }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _options = null;
            _client?.Dispose();
            _client = null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.InfluxStarted, Level = LogLevel.Information, Message = "[SERVICE: InfluxDB] Sending the metrics to {Address} (db {Database}) every {Ttl}")]
        public static partial void Started(ILogger logger, string address, string database, TimeSpan ttl);

        [LoggerMessage(EventId = EventIds.InfluxWriteFailed, Level = LogLevel.Error, Message = "[SERVICE: InfluxDB] Couldn't write to server: {Error}")]
        public static partial void WriteFailed(ILogger logger, string error);
    }
}
