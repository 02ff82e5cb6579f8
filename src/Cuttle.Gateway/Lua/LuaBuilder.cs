using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// Build-time wiring of the krakend-lua modifiers. Scripts are compiled here, once per generation, so a syntax
/// error fails the build instead of the first request.
/// </summary>
internal static class LuaBuilder
{
    /// <summary>The extra_config namespaces this feature implements.</summary>
    public static readonly ImmutableArray<string> Namespaces = ["modifier/lua-endpoint", "modifier/lua-proxy", "modifier/lua-backend"];

    /// <summary>modifier/lua-backend: wraps one backend (lura's backend factory order puts it right around the HTTP call).</summary>
    public static IProxy WrapBackend(IProxy proxy, BackendProxy backendProxy, BackendConfig backend, EndpointConfig endpoint)
    {
        if (backend.LuaBackend is not { } options) return proxy;
        var script = LuaScript.Build(options, $"backend {backend.UrlPattern} of endpoint {endpoint.Endpoint}");
        return new LuaProxy(script, proxy, ParamNames(endpoint), backendProxy.BuildUrl);
    }

    /// <summary>modifier/lua-proxy: wraps the endpoint's whole proxy pipe.</summary>
    public static IProxy WrapProxy(IProxy stack, EndpointConfig endpoint)
    {
        if (endpoint.LuaProxy is not { } options) return stack;
        var script = LuaScript.Build(options, $"endpoint {endpoint.Endpoint}");
        return new LuaProxy(script, stack, ParamNames(endpoint), urlBuilder: null);
    }

    /// <summary>modifier/lua-endpoint: the pre script on the HTTP request, innermost of the router-level wrappers (inside bot-detector and JOSE, as CE's handler_factory chains them).</summary>
    public static IEndpointHandler WrapEndpoint(IEndpointHandler handler, EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.LuaEndpoint is not { } options) return handler;
        var script = LuaScript.Build(options, $"endpoint {endpoint.Endpoint}");
        return new LuaEndpointHandler(handler, script, [.. endpoint.Params], endpoint.Endpoint, endpoint.Timeout, context.Logger, context.Time);
    }

    /// <summary>Service-level modifier/lua-endpoint (krakend-lua router/gin Register), built once per generation; null when absent.</summary>
    public static LuaServiceHandler? Service(BuildContext context)
    {
        if (context.Config.LuaEndpoint is not { } options) return null;
        var script = LuaScript.Build(options, "the service");
        // gin matches the route before its engine middlewares run, so the script sees the matched route's params
        // (c.Params); a table of the endpoints' param names finds them without touching the dispatch path.
        var routes = new Routing.RouteTable<string[]>.Builder();
        foreach (var endpoint in context.Config.Endpoints) routes.Add(endpoint.Method, endpoint.Endpoint, [.. endpoint.Params]);
        return new LuaServiceHandler(script, routes.Build(), context.Config.Timeout, context.Logger, context.Time);
    }

    private static string[] ParamNames(EndpointConfig endpoint)
    {
        var names = new string[endpoint.Params.Length];
        for (var i = 0; i < names.Length; i++) names[i] = LuaRequest.ParamKey(endpoint.Params[i]);
        return names;
    }
}
