using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Endpoints;

/// <summary>A compiled endpoint: everything decided at build time, only the request varies.</summary>
internal interface IEndpointHandler
{
    Task HandleAsync(HttpContext context, string[] parameters);
}
