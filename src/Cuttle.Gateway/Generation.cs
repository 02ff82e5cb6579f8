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
    private readonly RouteFallback<IEndpointHandler> _fallback;
    private readonly bool _removeExtraSlash;
    private int _inFlight;
    private int _disposed;

    private readonly TimeProvider _time;

    internal Generation(long number, GatewayConfig config, TimeProvider time, RouteTable<IEndpointHandler> routes,
        BuiltinEndpoints builtins, Backends.BackendClient client)
    {
        Number = number;
        Config = config;
        _time = time;
        LoadedAt = time.GetUtcNow();
        _routes = routes;
        _builtins = builtins;
        _client = client;
        _fallback = new RouteFallback<IEndpointHandler>(routes, config.Router);
        _removeExtraSlash = config.Router.RemoveExtraSlash;
    }

    /// <summary>Service-level layers run before routing, outermost first (security/cors, security/bot-detector).</summary>
    internal Security.IServiceFilter[] ServiceFilters { get; init; } = [];

    /// <summary>The stateful features' state, offered to the next generation so that what did not change carries on.</summary>
    public GenerationState State { get; init; } = GenerationState.Empty;

    /// <summary>auth/revoker's list of revoked tokens, which the host's admin endpoint adds to; null when absent.</summary>
    public Auth.RevocationList? Revocations { get; init; }

    /// <summary>The Redis connections its shared rate limits use, released when it is disposed (shared with other generations through their cache).</summary>
    internal Qos.Redis.RedisConnectionSet? Redis { get; init; }

    public long Number { get; }
    public GatewayConfig Config { get; }
    public DateTimeOffset LoadedAt { get; }

    /// <summary>Requests currently being served by this generation.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The backend pool, offered to the next generation so an unchanged transport keeps its warm connections.</summary>
    public Backends.BackendClient Client => _client;

    /// <summary>gin's ClientIP under this configuration's router options (the host's access log uses it).</summary>
    public GinClientIp ClientIp => _clientIp ??= GinClientIp.For(Config.Router);

    private GinClientIp? _clientIp;

    /// <summary>Serves one request on this generation (tracked for draining).</summary>
    public async Task HandleAsync(HttpContext context)
    {
        Enter();
        DispatchObservation observation = default;
        var failed = false;
        var threw = true;
        try
        {
            await DispatchAsync(context, out observation).ConfigureAwait(false);
            threw = false;
        }
        catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            failed = true; // the host answers 500 (gin's Recovery in KrakenD)
            throw;
        }
        finally
        {
            EndObservation(observation, context, failed, threw);
            Exit();
        }
    }

    /// <summary>
    /// Marks a request as in flight. The host pairs it with <see cref="Exit"/> around <see cref="DispatchAsync"/> in its
    /// own async frame, so the hot path pays for one state machine instead of two.
    /// </summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>telemetry/opentelemetry's global layer, around routing; null when off (then dispatch pays nothing for it).</summary>
    internal Telemetry.OpenTelemetry.ServerTelemetry? Telemetry { get; init; }

    /// <summary>Whether the console's counters wrap the endpoints (<see cref="Telemetry.Traffic.TrafficEndpointHandler"/>): only while it is on.</summary>
    internal bool CountsTraffic { get; init; }

    /// <summary>
    /// Routes and serves a request; callers bracket it with Enter/Exit and, once the returned task has ended, hand
    /// <paramref name="observation"/> to <see cref="EndObservation(in DispatchObservation, HttpContext, bool, bool)"/>
    /// (the global telemetry layer's and the console counters' begin and end run in the caller's frame, which costs no
    /// extra async frame per request).
    /// </summary>
    public Task DispatchAsync(HttpContext context, out DispatchObservation observation)
    {
        var telemetry = Telemetry;
        if (telemetry is null && !CountsTraffic)
        {
            observation = default;
            return DispatchCore(context, out _);
        }
        var started = _time.GetTimestamp();
        System.Diagnostics.Activity? activity = null;
        var observed = telemetry is not null && telemetry.Begin(context, out activity);
        observation = observed || CountsTraffic ? new DispatchObservation(started, activity, null, observed) : default;
        IEndpointHandler? handler = null;
        try
        {
            var task = DispatchCore(context, out handler);
            if (observation.Observed) observation = observation.WithHandler(handler);
            return task;
        }
        catch (Exception) when (observation.Observed)
        {
            // Thrown before the handler's first await: end here, the caller never gets the observation. The global
            // layer has no route for it yet (the answer's status stands for it); the console counts the endpoint's 500.
            var elapsed = _time.GetElapsedTime(started);
            if (handler is Telemetry.Traffic.TrafficEndpointHandler counted) counted.Record(context, elapsed, threw: true);
            if (observation.ByTelemetry) telemetry!.End(observation, context, elapsed, failed: true);
            observation = default;
            throw;
        }
    }

    /// <summary>
    /// Ends what <see cref="DispatchAsync"/> began: metrics recorded, server span ended, the console's endpoint counted.
    /// <paramref name="failed"/>: the host answers 500; <paramref name="threw"/>: the request ended with an exception
    /// (the console counts it as a 500 even when the client had gone).
    /// </summary>
    public void EndObservation(in DispatchObservation observation, HttpContext context, bool failed, bool threw)
    {
        if (!observation.Observed) return;
        var elapsed = _time.GetElapsedTime(observation.Started);
        if (observation.Handler is Telemetry.Traffic.TrafficEndpointHandler counted) counted.Record(context, elapsed, threw);
        if (observation.ByTelemetry) Telemetry!.End(observation, context, elapsed, failed);
    }

    /// <summary>Routing and serving without the global layer; <paramref name="handler"/> is the matched endpoint's.</summary>
    internal Task DispatchCore(HttpContext context, out IEndpointHandler? handler)
    {
        handler = null;
        var filters = ServiceFilters;
        for (var i = 0; i < filters.Length; i++)
        {
            // CE router_engine.go registers the service-level Lua middleware after security/http, before the bot detector.
            if (LuaService is { } lua && filters[i] is Security.BotDetector.BotDetectorFilter) return lua.HandleAsync(context, this, i);
            if (filters[i].Intercept(context) is { } answered) return answered;
        }
        if (LuaService is { } last) return last.HandleAsync(context, this, filters.Length);
        return Route(context, RoutePath(context), context.Request.Method, out handler);
    }

    /// <summary>service-level modifier/lua-endpoint: a gin engine middleware, so it runs for every route registered after it
    /// and for 404/405, but not for /__health (lura registers it with the engine) nor gin's redirects (no handler runs).</summary>
    internal Lua.LuaServiceHandler? LuaService { get; init; }

    /// <summary>What follows the service-level Lua: the remaining filters from <paramref name="from"/>, then routing on
    /// the path and method matched before the script ran (gin routes before its middlewares run). <paramref name="parameters"/>,
    /// when the script set a param, are the route's params as it left them (same route, same layout).</summary>
    internal Task Continue(HttpContext context, int from, string path, string method, string[]? parameters = null)
    {
        var filters = ServiceFilters;
        for (var i = from; i < filters.Length; i++) if (filters[i].Intercept(context) is { } answered) return answered;
        return Route(context, path, method, out _, parameters);
    }

    /// <summary>True when gin would answer the request without its engine middlewares (/__health, a redirect).</summary>
    internal bool BypassesMiddleware(HttpContext context, string path, string method)
    {
        if (_builtins.BypassesMiddleware(path, method)) return true;
        return _routes.Find(method, path).Handler is null && !_builtins.Serves(path) && _fallback.Redirects(method, path);
    }

    internal string RoutePath(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.Length == 0) path = "/";
        // router.remove_extra_slash: gin routes (built-ins too) on cleanPath of the path, so "//a/../b" serves "/b".
        if (_removeExtraSlash) path = RouteTable<IEndpointHandler>.CleanPath(path);
        return path;
    }

    private Task Route(HttpContext context, string path, string method, out IEndpointHandler? handler, string[]? parameters = null)
    {
        handler = null;
        if (path.Length > 2 && path[1] == '_' && _builtins.TryHandle(context, path, out var builtin)) return builtin;
        var match = _routes.Find(method, path);
        handler = match.Handler;
        if (match.Handler is not null)
            return match.Handler.HandleAsync(context, parameters is not null && parameters.Length == match.Params.Length ? parameters : match.Params);
        return _fallback.AnswerAsync(context, method, path, match.MethodNotAllowed);
    }

    /// <summary>
    /// Waits until no request is in flight or the timeout passes, on <paramref name="time"/>'s clock (by default the one
    /// this generation was built with).
    /// </summary>
    public async Task DrainAsync(TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= _time;
        var start = time.GetTimestamp();
        while (InFlight > 0 && time.GetElapsedTime(start) < timeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _client.Release();
            Redis?.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
