using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Endpoints;

/// <summary>gin's Context.ClientIP with its defaults, as the gateway computes it for X-Forwarded-For (the host's access log uses it).</summary>
public static class GinClientIp
{
    public static string Of(HttpContext context) => RequestFactory.ClientIp(context);
}
