using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Cuttle.Config.Model;
using Cuttle.Gateway.Auth;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Cel;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Lua;
using Cuttle.Gateway.Proxy;
using Cuttle.Gateway.Qos;
using Cuttle.Gateway.Qos.Redis;
using Cuttle.Gateway.Routing;
using Cuttle.Gateway.Security;
using Cuttle.Gateway.Telemetry.OpenTelemetry;
using Cuttle.Gateway.Telemetry.Stats;
using Cuttle.Gateway.Telemetry.Traffic;
using Cuttle.Gateway.Validation;

namespace Cuttle.Gateway;

/// <summary>
/// Compiles a validated configuration into a <see cref="Generation"/>. Everything that can be decided from the
/// config is decided here, once: routes, header/query filters, URL templates, formatters, proxy stacks.
/// This class keeps only the order of the chain, which is KrakenD's; each feature's wiring lives in its folder as
/// <c>&lt;Feature&gt;Builder</c>, next to the runtime types it builds.
/// </summary>
public static partial class GenerationBuilder
{
    /// <summary>The namespaces the core chain itself reads: router options, the endpoint proxy block, the HTTP client.</summary>
    internal static readonly ImmutableArray<string> CoreNamespaces = ["router", "proxy", "backend/http", "backend/http/client"];

    /// <summary>
    /// Every extra_config namespace the gateway acts on (short names), so the loader warns about the others. Derived
    /// from the feature builders, so adding a feature is one place and the list cannot drift from the code.
    /// </summary>
    public static readonly ImmutableArray<string> ImplementedNamespaces =
    [
        .. CoreNamespaces,
        .. SecurityBuilder.Namespaces,
        .. ValidationBuilder.Namespaces,
        .. CelBuilder.Namespaces,
        .. AuthBuilder.Namespaces,
        .. LuaBuilder.Namespaces,
        .. QosBuilder.Namespaces,
        .. RedisRateLimitBuilder.Namespaces,
        .. StatsBuilder.Namespaces,
        .. TelemetryBuilder.Namespaces,
        .. Backends.Martian.MartianPlan.Namespaces, // run by BackendCaller around the HTTP client
        .. Backends.GraphQL.GraphQLRequest.Namespaces, // run by BackendCaller before modifier/martian
    ];

    public static Generation Build(GatewayConfig config, GenerationOptions options)
    {
        var logger = options.LoggerFactory.CreateLogger("Cuttle.Gateway");
        var shared = BackendClient.For(config, options.PreviousClient, options.BackendHandler);
        var redis = new RedisConnectionSet(options.RedisConnections ?? RedisConnectionCache.Shared, options.TimeProvider, logger);
        var context = new BuildContext(config, shared.Transport, options.TimeProvider, logger, new GenerationState.Builder(options.PreviousState)) { Stats = StatsBuilder.Scope(config, options), Redis = redis, Traffic = options.Traffic is { } traffic ? new TrafficScope(traffic, options.Number) : null };
        try
        {
            var routes = new RouteTable<IEndpointHandler>.Builder();
            foreach (var endpoint in config.Endpoints)
            {
                var handler = TelemetryBuilder.WrapRoute(DecorateEndpoint(BuildEndpoint(endpoint, context), endpoint, context), endpoint, context);
                handler = TrafficBuilder.WrapRoute(handler, endpoint, context); // the console's counters, only while it is on
                if (!routes.Add(endpoint.Method, endpoint.Endpoint, handler))
                    throw new GatewayBuildException($"endpoint {endpoint.Method} {endpoint.Endpoint} is declared twice ({endpoint.Location})");
            }
            AutoOptionsHandler.Register(routes, config);
            context.SrvLookups.WaitAll(logger); // sd: dns: lura resolves at start-up, so the first request has the hosts
            var builtins = new BuiltinEndpoints(config.Router.HealthPath, !config.Router.DisableHealth, config.DebugEndpoint || options.Debug,
                config.EchoEndpoint, options.TimeProvider, options.ReloadStatus, logger);
            return new Generation(options.Number, config, options.TimeProvider, routes.Build(), builtins, shared)
            {
                ServiceFilters = SecurityBuilder.ServiceFilters(context),
                LuaService = LuaBuilder.Service(context),
                Revocations = AuthBuilder.Revocations(context),
                State = context.State.Build(),
                Telemetry = TelemetryBuilder.Server(config),
                CountsTraffic = context.Traffic is not null,
                Redis = redis,
            };
        }
        catch
        {
            redis.Dispose();
            shared.Release();
            throw;
        }
    }

    /// <summary>
    /// The proxy pipe of one endpoint, built innermost first so it reads as KrakenD's chain (outer → inner):
    /// signer or endpoint handler → otel proxy stage → metrics("pipe") → lua-proxy → CEL → json-schema → shadow →
    /// static → flatmap → merge/sequential, and per backend concurrent → otel backend stage → metrics("backend") →
    /// circuit-breaker → ratelimit/proxy → lua-backend → CEL → HTTP call (whose client carries the otel
    /// backend-request layer and, below it, the http-cache).
    /// </summary>
    private static IEndpointHandler BuildEndpoint(EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.OutputEncoding == Encodings.NoOp)
            return new NoOpEndpointHandler(endpoint, AuthBuilder.TransportFor(endpoint.Backend[0], context), context.Config.Router, context.Logger,
                QosBuilder.HttpCacheFor(endpoint.Backend[0], endpoint, 0, context), TelemetryBuilder.BackendCall(endpoint.Backend[0], endpoint, context), context.SrvLookups);

        var backends = new IProxy[endpoint.Backend.Length];
        for (var i = 0; i < backends.Length; i++)
        {
            var backend = endpoint.Backend[i];
            var backendProxy = new BackendProxy(backend, endpoint, AuthBuilder.TransportFor(backend, context), context.Logger,
                QosBuilder.HttpCacheFor(backend, endpoint, i, context), TelemetryBuilder.BackendCall(backend, endpoint, context), context.SrvLookups);
            // KrakenD's order (CE backend_factory): otel around metrics around the circuit breaker around the rate limit
            // around Lua around CEL around the HTTP call (the http-cache sits in the HTTP client, below all of it).
            IProxy proxy = LuaBuilder.WrapBackend(CelBuilder.WrapBackend(backendProxy, backend, endpoint, context), backendProxy, backend, endpoint);
            proxy = QosBuilder.WrapBackend(proxy, backend, endpoint, i, context);
            proxy = StatsBuilder.WrapBackend(proxy, backend, endpoint, context); // CE: metrics("backend") around the breaker
            proxy = TelemetryBuilder.WrapBackend(proxy, backend, endpoint, context); // CE backend_factory: otel outermost
            proxy = TrafficBuilder.WrapBackend(proxy, endpoint, i, context); // the console's counters, only while it is on
            if (endpoint.ConcurrentCalls > 1) proxy = new ConcurrentProxy(proxy, endpoint.ConcurrentCalls, endpoint.Timeout, context.Time);
            backends[i] = proxy;
        }
        // CE proxy_factory: lura's shadow factory around its default one; the regular backends alone make the merge.
        var shadows = ShadowBuilder.Split(endpoint, ref backends, out var regularEndpoint);
        IProxy stack;
        if (backends.Length == 0) stack = NoRegularBackendProxy.Instance;
        else if (backends.Length == 1) stack = backends[0];
        else if (endpoint.Proxy.Sequential) stack = new SequentialProxy(backends, SequentialKeys(regularEndpoint), endpoint.Timeout, PropagatedParams(regularEndpoint), context.Time);
        else stack = new MergeProxy(backends, endpoint.Timeout, context.Time);
        if (backends.Length > 0 && !endpoint.Proxy.FlatmapFilter.IsDefaultOrEmpty) stack = new EndpointFlatmapProxy(stack, new FlatmapFilter(endpoint.Proxy.FlatmapFilter));
        if (backends.Length > 0 && endpoint.Proxy.Static is { } staticOptions) stack = new StaticProxy(stack, staticOptions);
        if (backends.Length > 0) stack = ShadowBuilder.Wrap(stack, shadows, endpoint, context);
        stack = CelBuilder.WrapEndpoint(ValidationBuilder.WrapJsonSchema(stack, endpoint, context), endpoint, context);
        stack = LuaBuilder.WrapProxy(stack, endpoint);
        stack = StatsBuilder.WrapPipe(stack, endpoint, context); // CE: metrics("pipe") around lua-proxy
        stack = TelemetryBuilder.WrapProxy(stack, endpoint, context); // CE proxy_factory: otel outermost
        return AuthBuilder.SignerHandler(stack, endpoint, context) ?? new EndpointHandler(endpoint, stack, context.Config.Router, context.Logger, context.Time);
    }

    /// <summary>
    /// Router-level wrappers of one endpoint, innermost first, so the result reads as CE's handler_factory chain
    /// (outer → inner): bot-detector → metrics → JOSE → lua-endpoint → ratelimit/router → endpoint handler.
    /// </summary>
    private static IEndpointHandler DecorateEndpoint(IEndpointHandler handler, EndpointConfig endpoint, BuildContext context)
    {
        handler = QosBuilder.WrapEndpoint(handler, endpoint, context);
        handler = LuaBuilder.WrapEndpoint(handler, endpoint, context);
        handler = AuthBuilder.WrapValidator(handler, endpoint, context);
        handler = StatsBuilder.WrapRouter(handler, endpoint, context); // CE: metrics between JOSE and the bot detector
        return SecurityBuilder.WrapBotDetector(handler, endpoint, context);
    }

    /// <summary>For each backend index N, the "field.path" keys later backends read as {respN_field.path}.</summary>
    private static string[][] SequentialKeys(EndpointConfig endpoint)
    {
        var keys = new List<string>[endpoint.Backend.Length];
        for (var i = 0; i < keys.Length; i++) keys[i] = [];
        foreach (var backend in endpoint.Backend)
        {
            foreach (Match m in RespParam().Matches(backend.UrlPattern))
            {
                var index = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (index < keys.Length && !keys[index].Contains(m.Groups[2].Value)) keys[index].Add(m.Groups[2].Value);
            }
        }
        var result = new string[keys.Length][];
        for (var i = 0; i < keys.Length; i++) result[i] = [.. keys[i]];
        return result;
    }

    /// <summary>
    /// proxy.sequential_propagated_params grouped by backend index: "resp0_a.b" → [0] gets "a.b", a bare "resp0"
    /// → [0] gets "" (the raw body). Null when the list is empty.
    /// </summary>
    private static string[][]? PropagatedParams(EndpointConfig endpoint)
    {
        if (endpoint.Proxy.SequentialPropagatedParams.IsDefaultOrEmpty) return null;
        var lists = new List<string>[endpoint.Backend.Length];
        for (var i = 0; i < lists.Length; i++) lists[i] = [];
        foreach (var name in endpoint.Proxy.SequentialPropagatedParams)
        {
            if (!name.StartsWith("resp", StringComparison.OrdinalIgnoreCase)) continue;
            var end = 4;
            while (end < name.Length && char.IsAsciiDigit(name[end])) end++;
            if (end == 4 || !int.TryParse(name.AsSpan(4, end - 4), System.Globalization.CultureInfo.InvariantCulture, out var index) || index >= lists.Length) continue;
            if (end == name.Length) lists[index].Add("");
            else if (name[end] == '_' && end + 1 < name.Length) lists[index].Add(name[(end + 1)..]);
        }
        var result = new string[lists.Length][];
        for (var i = 0; i < lists.Length; i++) result[i] = [.. lists[i]];
        return result;
    }

    [GeneratedRegex(@"\{resp(\d+)_([^}]+)\}")]
    private static partial Regex RespParam();
}
