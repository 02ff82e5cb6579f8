using Cuttle.Gateway.Http;
using System.Text.RegularExpressions;
using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Proxy;
using Cuttle.Gateway.Routing;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway;

/// <summary>
/// Compiles a validated configuration into a <see cref="Generation"/>. Everything that can be decided from the
/// config is decided here, once: routes, header/query filters, URL templates, formatters, proxy stacks.
/// </summary>
public static partial class GenerationBuilder
{
    public static Generation Build(GatewayConfig config, GenerationOptions options)
    {
        var logger = options.LoggerFactory.CreateLogger("Cuttle.Gateway");
        var shared = BackendClient.For(config, options.PreviousClient);
        var client = shared.Invoker;
        try
        {
            var routes = new RouteTable<IEndpointHandler>.Builder();
            foreach (var endpoint in config.Endpoints)
            {
                var handler = DecorateEndpoint(BuildEndpoint(endpoint, config, client, logger, options.TimeProvider), endpoint, client, options.TimeProvider, logger);
                if (!routes.Add(endpoint.Method, endpoint.Endpoint, handler))
                    throw new GatewayBuildException($"endpoint {endpoint.Method} {endpoint.Endpoint} is declared twice ({endpoint.Location})");
            }
            var builtins = new BuiltinEndpoints(config.Router.HealthPath, !config.Router.DisableHealth, config.DebugEndpoint || options.Debug,
                config.EchoEndpoint, options.TimeProvider, options.HealthExtras, logger);
            return new Generation(options.Number, config, options.TimeProvider.GetUtcNow(), routes.Build(), builtins, shared)
            {
                ServiceFilters = BuildServiceFilters(config, logger),
            };
        }
        catch
        {
            shared.Release();
            throw;
        }
    }

    private static IEndpointHandler BuildEndpoint(EndpointConfig endpoint, GatewayConfig config, HttpMessageInvoker client, ILogger logger, TimeProvider time)
    {
        if (endpoint.OutputEncoding == Encodings.NoOp)
            return new NoOpEndpointHandler(endpoint, client, config.Router, logger);

        var backends = new IProxy[endpoint.Backend.Length];
        for (var i = 0; i < backends.Length; i++)
        {
            var backendProxy = new BackendProxy(endpoint.Backend[i], endpoint, client, logger);
            // KrakenD's order: Lua around CEL around the HTTP call.
            IProxy proxy = WrapLuaBackend(WrapBackendCel(backendProxy, endpoint.Backend[i], endpoint, time, logger), backendProxy, endpoint.Backend[i], endpoint);
            if (endpoint.ConcurrentCalls > 1) proxy = new ConcurrentProxy(proxy, endpoint.ConcurrentCalls, endpoint.Timeout);
            backends[i] = proxy;
        }
        IProxy stack;
        if (backends.Length == 1) stack = backends[0];
        else if (endpoint.Proxy.Sequential) stack = new SequentialProxy(backends, SequentialKeys(endpoint), endpoint.Timeout, PropagatedParams(endpoint));
        else stack = new MergeProxy(backends, endpoint.Timeout);
        if (!endpoint.Proxy.FlatmapFilter.IsDefaultOrEmpty) stack = new EndpointFlatmapProxy(stack, new FlatmapFilter(endpoint.Proxy.FlatmapFilter));
        if (endpoint.Proxy.Static is { } staticOptions) stack = new StaticProxy(stack, staticOptions);
        stack = WrapEndpointCel(WrapValidation(stack, endpoint), endpoint, time, logger);
        stack = WrapLuaProxy(stack, endpoint);
        if (endpoint.JwtSigner is { } signer) return BuildSigner(endpoint, signer, stack, client, time, logger);
        return new EndpointHandler(endpoint, stack, config.Router, logger);
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

    [GeneratedRegex(@"\{resp(\d+)_([^}]+)\}")]
    private static partial Regex RespParam();
}
