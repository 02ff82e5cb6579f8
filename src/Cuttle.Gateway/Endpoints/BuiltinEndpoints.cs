using System.Text;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Diagnostics;
using Cuttle.Go;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Endpoints;

/// <summary>KrakenD's built-in routes: /__health, /__debug/*, /__echo/* (lura router/gin engine.go, CE router_engine.go).</summary>
internal sealed partial class BuiltinEndpoints(string healthPath, bool health, bool debug, bool echo, TimeProvider time, ReloadStatusSource? reloadStatus, ILogger logger)
{
    private readonly long _startTimestamp = time.GetTimestamp();

    /// <summary>Handles the request if it targets a built-in route; false otherwise.</summary>
    /// <summary>gin answers without its engine middlewares: /__health (registered before them) and the redirect to /__debug/ or /__echo/.</summary>
    public bool BypassesMiddleware(string path, string method)
        => (health && path == healthPath && method is "GET" or "HEAD") || (debug && path == "/__debug") || (echo && path == "/__echo");

    /// <summary>/__debug/ or /__echo/ would answer this path.</summary>
    public bool Serves(string path)
        => (debug && path.StartsWith("/__debug/", StringComparison.Ordinal)) || (echo && path.StartsWith("/__echo/", StringComparison.Ordinal));

    public bool TryHandle(HttpContext context, string path, out Task task)
    {
        task = Task.CompletedTask;
        if (health && path == healthPath && context.Request.Method is "GET" or "HEAD")
        {
            task = Health(context);
            return true;
        }
        if (debug && path.StartsWith("/__debug", StringComparison.Ordinal))
        {
            task = path.Length == 8 ? Redirect(context, "/__debug/") : path[8] == '/' ? Debug(context) : Task.CompletedTask;
            return path.Length == 8 || path[8] == '/';
        }
        if (echo && path.StartsWith("/__echo", StringComparison.Ordinal))
        {
            task = path.Length == 7 ? Redirect(context, "/__echo/") : path[7] == '/' ? Echo(context) : Task.CompletedTask;
            return path.Length == 7 || path[7] == '/';
        }
        return false;
    }

    private Task Health(HttpContext context)
    {
        var body = DataTree.NewMap(4);
        body["agents"] = DataTree.NewMap();
        body["now"] = GoTimeString();
        body["status"] = "ok";
        // KrakenD's body is exactly {"agents","now","status"} and /__health is open to every client: the gateway's own
        // details come only when the host hands a status source over, which it does in debug mode only.
        if (reloadStatus?.Current is { } status) body["cuttle"] = Details(status, reloadStatus.Tls);
        return ResponseRenderer.WriteJson(context, body);
    }

    /// <summary>The debug-only "cuttle" object: the host's reload status plus the process's runtime counters.</summary>
    internal static Dictionary<string, object?> Details(ReloadStatus status, TlsStatus? tls = null)
    {
        var info = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["generation"] = status.Generation,
            ["config_hash"] = status.ConfigHash,
            ["loaded_at"] = status.LoadedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["reloads"] = status.Reloads,
            ["rejected_reloads"] = status.RejectedReloads,
            ["last_reload_error"] = status.LastReloadError,
            ["socket_transport"] = status.SocketTransport,
        };
        if (status.LastReloadAttempt is { } at) info["last_reload_attempt"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        if (tls is not null) info["tls"] = TlsDetails(tls);
        info["runtime"] = RuntimeCounters.Read();
        return info;
    }

    private static Dictionary<string, object?> TlsDetails(TlsStatus tls)
    {
        var certificates = new List<object?>(tls.Certificates.Length);
        foreach (var c in tls.Certificates)
        {
            certificates.Add(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["subject"] = c.Subject,
                ["serial"] = c.Serial,
                ["not_after"] = c.NotAfter.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["file"] = c.File,
            });
        }
        var details = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["certificates"] = certificates,
            ["rotations"] = tls.Rotations,
            ["rejected_rotations"] = tls.RejectedRotations,
            ["last_rotation_error"] = tls.LastError,
        };
        if (tls.LastErrorAt is { } at) details["last_rotation_error_at"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return details;
    }

    /// <summary>Go's time.Now().String(): "2006-01-02 15:04:05.999999999 -0700 MST m=+0.000000001".</summary>
    private string GoTimeString()
    {
        var now = time.GetLocalNow();
        var monotonic = time.GetElapsedTime(_startTimestamp).TotalSeconds;
        var offset = now.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var zone = offset == TimeSpan.Zero ? "UTC" : $"{sign}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00}";
        var ticks = now.Ticks % TimeSpan.TicksPerSecond;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{now:yyyy-MM-dd HH:mm:ss}.{ticks * 100:000000000} {sign}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00} {zone} m=+{monotonic:0.000000000}");
    }

    private async Task Debug(HttpContext context)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var request = context.Request;
            Log.DebugRequest(logger, request.Method, request.Path + request.QueryString, string.Join("; ", request.Headers.Select(h => $"{h.Key}: {h.Value}")));
        }
        context.Response.StatusCode = 200;
        await ResponseRenderer.WriteJson(context, PongBody()).ConfigureAwait(false);
    }

    private static Dictionary<string, object?> PongBody()
    {
        var body = DataTree.NewMap(1);
        body["message"] = "pong";
        return body;
    }

    private static async Task Echo(HttpContext context)
    {
        var request = context.Request;
        string bodyText;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
            bodyText = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var query = DataTree.NewMap();
        foreach (var (k, v) in request.Query)
        {
            var list = new List<object?>();
            foreach (var s in v) list.Add(s);
            query[k] = list;
        }
        var headers = DataTree.NewMap();
        foreach (var (k, v) in request.Headers)
        {
            if (k.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            var list = new List<object?>();
            foreach (var s in v) list.Add(s);
            headers[HeaderKey.Canonicalize(k)] = list;
        }
        var details = DataTree.NewMap();
        details["user"] = null;
        details["host"] = request.Host.Value ?? "";
        details["path"] = request.Path.Value ?? "";
        details["query"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        details["fragment"] = "";
        var body = DataTree.NewMap();
        body["req_uri"] = request.Path + request.QueryString;
        body["req_uri_details"] = details;
        body["req_method"] = request.Method;
        body["req_querystring"] = query;
        body["req_body"] = bodyText;
        body["req_headers"] = headers;
        await ResponseRenderer.WriteJson(context, body).ConfigureAwait(false);
    }

    private static Task Redirect(HttpContext context, string location)
    {
        context.Response.StatusCode = context.Request.Method == "GET" ? 301 : 307;
        context.Response.Headers.Location = location + context.Request.QueryString;
        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.DebugRequest, Level = LogLevel.Debug, Message = "/__debug/ {Method} {Url} headers: {Headers}")]
        public static partial void DebugRequest(ILogger logger, string method, string url, string headers);
    }
}
