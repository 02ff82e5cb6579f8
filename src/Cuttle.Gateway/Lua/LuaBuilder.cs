using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Lua;
using Cuttle.Gateway.Proxy;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway;

public static partial class GenerationBuilder
{
    /// <summary>modifier/lua-backend: wraps one backend (lura's backend factory order puts it right around the HTTP call).</summary>
    private static IProxy WrapLuaBackend(IProxy proxy, BackendProxy backendProxy, BackendConfig backend, EndpointConfig endpoint)
    {
        if (backend.LuaBackend is not { } options) return proxy;
        var script = LuaScript.Build(options, $"backend {backend.UrlPattern} of endpoint {endpoint.Endpoint}");
        return new LuaProxy(script, proxy, LuaParamNames(endpoint), backendProxy.BuildUrl);
    }

    /// <summary>modifier/lua-proxy: wraps the endpoint's whole proxy pipe.</summary>
    private static IProxy WrapLuaProxy(IProxy stack, EndpointConfig endpoint)
    {
        if (endpoint.LuaProxy is not { } options) return stack;
        var script = LuaScript.Build(options, $"endpoint {endpoint.Endpoint}");
        return new LuaProxy(script, stack, LuaParamNames(endpoint), urlBuilder: null);
    }

    /// <summary>modifier/lua-endpoint: the pre script on the HTTP request, outermost of the endpoint's handlers.</summary>
    private static IEndpointHandler WrapLuaEndpoint(IEndpointHandler handler, EndpointConfig endpoint, ILogger logger)
    {
        if (endpoint.LuaEndpoint is not { } options) return handler;
        var script = LuaScript.Build(options, $"endpoint {endpoint.Endpoint}");
        return new LuaEndpointHandler(handler, script, [.. endpoint.Params], endpoint.Endpoint, endpoint.Timeout, logger);
    }

    private static string[] LuaParamNames(EndpointConfig endpoint)
    {
        var names = new string[endpoint.Params.Length];
        for (var i = 0; i < names.Length; i++) names[i] = LuaRequest.ParamKey(endpoint.Params[i]);
        return names;
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
}
