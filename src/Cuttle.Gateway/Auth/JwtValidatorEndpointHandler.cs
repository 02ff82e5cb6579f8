using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// auth/validator around an endpoint (inside the endpoint bot-detector, as in CE's handler_factory). A rejected
/// request gets 401 or 403 with an empty body and no KrakenD headers (gin AbortWithError writes nothing).
/// </summary>
internal sealed partial class JwtValidatorEndpointHandler(IEndpointHandler inner, JwtValidator validator, string? cookieKey,
    string headerName, string endpoint, ILogger logger) : IEndpointHandler
{
    public async Task HandleAsync(HttpContext context, string[] parameters)
    {
        var outcome = await validator.ValidateAsync(Token(context.Request), context.RequestAborted).ConfigureAwait(false);
        if (outcome.Status != 0)
        {
            Log.Rejected(logger, endpoint, outcome.Status, outcome.Reason);
            context.Response.StatusCode = outcome.Status;
            return;
        }
        if (outcome.Params is { Count: > 0 } claims) context.Features.Set(new JwtClaimParams(claims));
        await inner.HandleAsync(context, parameters).ConfigureAwait(false);
    }

    /// <summary>krakend-jose FromCookie / FromHeader: the raw cookie, or "Bearer &lt;token&gt;" (scheme case-insensitive).</summary>
    private string? Token(HttpRequest request)
    {
        if (cookieKey is not null) return request.Cookies[cookieKey];
        var values = request.Headers[headerName];
        var h = values.Count > 0 ? values[0] : null;
        return h is { Length: > 7 } && h.AsSpan(0, 7).Equals("BEARER ", StringComparison.OrdinalIgnoreCase) ? h[7..] : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "[ENDPOINT: {Endpoint}][JWTValidator] rejected with {Status}: {Reason}")]
        public static partial void Rejected(ILogger logger, string endpoint, int status, string reason);
    }
}
