using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway;

/// <summary>
/// One configuration compiled into immutable request handlers: the route table, every endpoint's proxy stack and
/// the backend HTTP client they share. The host swaps whole generations; a request reads the live one once and
/// finishes on it. Disposal waits for in-flight requests (bounded) before releasing the connection pool.
/// </summary>
public sealed class Generation : IAsyncDisposable
{
    private readonly RouteTable<IEndpointHandler> _routes;
    private readonly BuiltinEndpoints _builtins;
    private readonly Backends.BackendClient _client;
    private readonly RouterOptions _router;
    private int _inFlight;
    private int _disposed;

    internal Generation(long number, GatewayConfig config, DateTimeOffset loadedAt, RouteTable<IEndpointHandler> routes,
        BuiltinEndpoints builtins, Backends.BackendClient client)
    {
        Number = number;
        Config = config;
        LoadedAt = loadedAt;
        _routes = routes;
        _builtins = builtins;
        _client = client;
        _router = config.Router;
    }

    /// <summary>Service-level layers run before routing, outermost first (security/cors, security/bot-detector).</summary>
    internal Security.IServiceFilter[] ServiceFilters { get; init; } = [];

    public long Number { get; }
    public GatewayConfig Config { get; }
    public DateTimeOffset LoadedAt { get; }

    /// <summary>Requests currently being served by this generation.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The backend pool, offered to the next generation so an unchanged transport keeps its warm connections.</summary>
    public Backends.BackendClient Client => _client;

    /// <summary>Serves one request on this generation (tracked for draining).</summary>
    public async Task HandleAsync(HttpContext context)
    {
        Enter();
        try
        {
            await DispatchAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Marks a request as in flight. The host pairs it with <see cref="Exit"/> around <see cref="DispatchAsync"/> in its
    /// own async frame, so the hot path pays for one state machine instead of two.
    /// </summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Routes and serves a request; callers bracket it with Enter/Exit.</summary>
    public Task DispatchAsync(HttpContext context)
    {
        foreach (var filter in ServiceFilters) if (filter.Intercept(context) is { } answered) return answered;
        var path = context.Request.Path.Value ?? "/";
        if (path.Length == 0) path = "/";
        if (path.Length > 2 && path[1] == '_' && _builtins.TryHandle(context, path, out var builtin)) return builtin;
        var method = context.Request.Method;
        var match = _routes.Find(method, path);
        if (match.Handler is not null) return match.Handler.HandleAsync(context, match.Params);
        return NotMatchedAsync(context, method, path, match.MethodNotAllowed);
    }

    private Task NotMatchedAsync(HttpContext context, string method, string path, bool methodNotAllowed)
    {
        // gin: trailing-slash redirect, then fixed-path (case and cleaning) redirect, then 405, then 404.
        if (method != "CONNECT" && path != "/")
        {
            if (!_router.DisableRedirectTrailingSlash && _routes.TrailingSlashAlternative(method, path) is { } tsr)
                return Redirect(context, method, tsr);
            if (!_router.DisableRedirectFixedPath && _routes.FixedPath(method, path) is { } fixedPath && fixedPath != path)
                return Redirect(context, method, fixedPath);
        }
        var response = context.Response;
        response.Headers[ResponseHeaders.Krakend] = _router.HideVersionHeader ? ResponseHeaders.HiddenVersionValue : ResponseHeaders.VersionValue;
        response.Headers[ResponseHeaders.Completed] = "false";
        if (methodNotAllowed && !_router.DisableHandleMethodNotAllowed)
        {
            response.StatusCode = 405;
            return _router.ErrorBody405 is { } body405
                ? Codecs.ResponseRenderer.WriteJson(context, body405)
                : Codecs.ResponseRenderer.WriteText(context, "text/plain", "405 method not allowed");
        }
        response.StatusCode = 404;
        return _router.ErrorBody404 is { } body404
            ? Codecs.ResponseRenderer.WriteJson(context, body404)
            : Codecs.ResponseRenderer.WriteText(context, "text/plain", "404 page not found");
    }

    private static Task Redirect(HttpContext context, string method, string location)
    {
        // gin redirectRequest: 301 for GET, 307 otherwise, keeping the query string.
        var response = context.Response;
        response.StatusCode = method == "GET" ? 301 : 307;
        var target = location + context.Request.QueryString;
        response.Headers.Location = target;
        if (method == "GET")
            return Codecs.ResponseRenderer.WriteText(context, "text/html; charset=utf-8", $"<a href=\"{System.Net.WebUtility.HtmlEncode(target)}\">Moved Permanently</a>.\n\n");
        return Task.CompletedTask;
    }

    /// <summary>Waits until no request is in flight (or the timeout passes), then releases the backend connections.</summary>
    public async Task DrainAsync(TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var start = time.GetTimestamp();
        while (InFlight > 0 && time.GetElapsedTime(start) < timeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _client.Release();
        return ValueTask.CompletedTask;
    }
}
