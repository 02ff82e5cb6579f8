using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Cel;

/// <summary>Build-time wiring of validation/cel (krakend-cel) at the endpoint, backend and JWT levels.</summary>
internal static class CelBuilder
{
    /// <summary>The extra_config namespaces this feature implements.</summary>
    public static readonly ImmutableArray<string> Namespaces = ["validation/cel"];

    /// <summary>Endpoint-level validation/cel, outermost of the endpoint pipe (CE proxy_factory: CEL → json-schema).</summary>
    public static IProxy WrapEndpoint(IProxy stack, EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.Cel.IsDefaultOrEmpty) return stack;
        var checks = CelCheckSet.Compile(endpoint.Cel, $"endpoint {endpoint.Method} {endpoint.Endpoint}");
        if (checks.Pre.Length == 0 && checks.Post.Length == 0) return stack;
        return new CelProxy(stack, checks, ParamNames(endpoint), null, context.Time, "[ENDPOINT: " + endpoint.Endpoint + "]", context.Logger);
    }

    /// <summary>Backend-level validation/cel, right around the backend call (CE backend_factory: lua → CEL → http).</summary>
    public static IProxy WrapBackend(IProxy proxy, BackendConfig backend, EndpointConfig endpoint, BuildContext context)
    {
        if (backend.Cel.IsDefaultOrEmpty) return proxy;
        var checks = CelCheckSet.Compile(backend.Cel, $"endpoint {endpoint.Method} {endpoint.Endpoint}, backend {backend.UrlPattern}");
        if (checks.Pre.Length == 0 && checks.Post.Length == 0) return proxy;
        var path = new UrlTemplate(backend.UrlPattern, endpoint.Params);
        return new CelProxy(proxy, checks, ParamNames(endpoint), path, context.Time, "[BACKEND: " + backend.UrlPattern + "]", context.Logger);
    }

    /// <summary>The JWT checks of an endpoint that also has auth/validator (krakend-cel NewRejecter); null when none.</summary>
    public static CelJwtRejecter? JwtRejecter(EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.Cel.IsDefaultOrEmpty) return null;
        var checks = CelCheckSet.Compile(endpoint.Cel, $"endpoint {endpoint.Method} {endpoint.Endpoint}");
        return checks.Jwt.Length == 0 ? null : new CelJwtRejecter(checks.Jwt, context.Time);
    }

    /// <summary>lura NewRequest stores params as strings.Title(key[:1]) + key[1:]: {id} is req_params.Id.</summary>
    private static string[] ParamNames(EndpointConfig endpoint)
    {
        var names = new string[endpoint.Params.Length];
        for (var i = 0; i < names.Length; i++) names[i] = UrlTemplate.Title(endpoint.Params[i]);
        return names;
    }
}
