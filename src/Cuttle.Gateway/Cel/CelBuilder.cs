using Cuttle.Config.Model;
using Cuttle.Gateway.Cel;
using Cuttle.Gateway.Proxy;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway;

public static partial class GenerationBuilder
{
    /// <summary>Endpoint-level validation/cel, outermost of the endpoint pipe (CE proxy_factory: CEL → json-schema).</summary>
    private static IProxy WrapEndpointCel(IProxy stack, EndpointConfig endpoint, TimeProvider time, ILogger logger)
    {
        if (endpoint.Cel.IsDefaultOrEmpty) return stack;
        var checks = CelCheckSet.Compile(endpoint.Cel, $"endpoint {endpoint.Method} {endpoint.Endpoint}");
        if (checks.Pre.Length == 0 && checks.Post.Length == 0) return stack;
        return new CelProxy(stack, checks, CelParamNames(endpoint), null, time, "[ENDPOINT: " + endpoint.Endpoint + "]", logger);
    }

    /// <summary>Backend-level validation/cel, right around the backend call (CE backend_factory: lua → CEL → http).</summary>
    private static IProxy WrapBackendCel(IProxy proxy, BackendConfig backend, EndpointConfig endpoint, TimeProvider time, ILogger logger)
    {
        if (backend.Cel.IsDefaultOrEmpty) return proxy;
        var checks = CelCheckSet.Compile(backend.Cel, $"endpoint {endpoint.Method} {endpoint.Endpoint}, backend {backend.UrlPattern}");
        if (checks.Pre.Length == 0 && checks.Post.Length == 0) return proxy;
        var path = new UrlTemplate(backend.UrlPattern, endpoint.Params);
        return new CelProxy(proxy, checks, CelParamNames(endpoint), path, time, "[BACKEND: " + backend.UrlPattern + "]", logger);
    }

    /// <summary>The JWT checks of an endpoint that also has auth/validator (krakend-cel NewRejecter); null when none.</summary>
    private static CelJwtRejecter? CelRejecter(EndpointConfig endpoint, TimeProvider time)
    {
        if (endpoint.Cel.IsDefaultOrEmpty) return null;
        var checks = CelCheckSet.Compile(endpoint.Cel, $"endpoint {endpoint.Method} {endpoint.Endpoint}");
        return checks.Jwt.Length == 0 ? null : new CelJwtRejecter(checks.Jwt, time);
    }

    /// <summary>lura NewRequest stores params as strings.Title(key[:1]) + key[1:]: {id} is req_params.Id.</summary>
    private static string[] CelParamNames(EndpointConfig endpoint)
    {
        var names = new string[endpoint.Params.Length];
        for (var i = 0; i < names.Length; i++) names[i] = UrlTemplate.Title(endpoint.Params[i]);
        return names;
    }
}
