using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Lua;

/// <summary>What ctx.load() returns in modifier/lua-endpoint (krakend-lua router/gin GinContext): the live request and
/// the endpoint's route params, keyed by their names as written in the endpoint (gin keeps them as is).</summary>
internal sealed class LuaHttpContext(HttpContext context, string[] paramNames, string[] parameters)
{
    public HttpContext Http { get; } = context;
    public string[] ParamNames { get; } = paramNames;
    public string[] Parameters { get; } = parameters;

    /// <summary>True once the script set a param: at the service level those values go on to the endpoint (gin's c.Params).</summary>
    public bool ParamsSet { get; set; }
}
