using Cuttle.Gateway.Diagnostics;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// auth/validator around an endpoint (inside the endpoint bot-detector, as in CE's handler_factory). A rejected
/// request gets 401 or 403 with an empty body and no KrakenD headers (gin AbortWithError writes nothing).
/// </summary>
internal sealed partial class JwtValidatorEndpointHandler(IEndpointHandler inner, JwtValidator validator, string cookieKey,
    string headerName, string endpoint, ILogger logger) : IEndpointHandler
{
    // The claims the backends read travel as named params after the route's (JwtParams), in the validator's order.
    private readonly string[] _claimKeys = JwtParams.Keys(validator.ClaimParams);

    public async Task HandleAsync(HttpContext context, string[] parameters)
    {
        var outcome = await validator.ValidateAsync(Token(context.Request), context.RequestAborted).ConfigureAwait(false);
        if (outcome.Status != 0)
        {
            if (validator.OperationDebug) Log.Rejected(logger, endpoint, outcome.Status, outcome.Reason);
            else Log.RejectedQuietly(logger, endpoint, outcome.Status, outcome.Reason);
            context.Response.StatusCode = outcome.Status;
            return;
        }
        // propagate_claims: the client's own header of that name is replaced, so it cannot forge the claim.
        if (outcome.Headers is { } headers)
        {
            foreach (var (name, value) in headers) context.Request.Headers[name] = value;
        }
        if (_claimKeys.Length > 0) parameters = JwtParams.Append(parameters, _claimKeys, outcome.Params);
        await inner.HandleAsync(context, parameters).ConfigureAwait(false);
    }

    /// <summary>
    /// krakend-jose NewValidator chains FromHeader then FromCookie (go-auth0 FromMultiple): the header's first value,
    /// less a case-insensitive "Bearer " prefix when one is there (without it the raw value is the token); only
    /// when that leaves nothing is the cookie read (cookie_key, by default access_token). A header that holds
    /// something, even a malformed token, is the token: the cookie is not tried.
    /// </summary>
    private string? Token(HttpRequest request)
    {
        var values = request.Headers[headerName];
        var raw = values.Count > 0 ? values[0] : null;
        if (raw is { Length: > 7 } && raw.AsSpan(0, 7).Equals("BEARER ", StringComparison.OrdinalIgnoreCase)) raw = raw[7..];
        return string.IsNullOrEmpty(raw) ? request.Cookies[cookieKey] : raw;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.JwtRejected, Level = LogLevel.Warning, Message = "[ENDPOINT: {Endpoint}][JWTValidator] rejected with {Status}: {Reason}")]
        public static partial void Rejected(ILogger logger, string endpoint, int status, string reason);

        // krakend-jose logs why a token is refused only with operation_debug.
        [LoggerMessage(EventId = EventIds.JwtRejectedQuietly, Level = LogLevel.Debug, Message = "[ENDPOINT: {Endpoint}][JWTValidator] rejected with {Status}: {Reason}")]
        public static partial void RejectedQuietly(ILogger logger, string endpoint, int status, string reason);
    }
}
