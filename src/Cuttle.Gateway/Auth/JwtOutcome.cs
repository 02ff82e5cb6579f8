using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// What auth/validator decided: the status to answer (0 = go on) and, when valid, the {JWT.claim} params and the
/// propagate_claims headers.
/// </summary>
internal readonly record struct JwtOutcome(int Status, string Reason, Dictionary<string, string>? Params,
    KeyValuePair<string, StringValues>[]? Headers = null)
{
    public static JwtOutcome Valid(Dictionary<string, string>? claimParams, KeyValuePair<string, StringValues>[]? headers = null)
        => new(0, "", claimParams, headers);
    public static JwtOutcome Unauthorized(string reason) => new(401, reason, null);
    public static JwtOutcome Forbidden(string reason) => new(403, reason, null);
}
