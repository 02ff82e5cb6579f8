namespace Cuttle.Gateway.Auth;

/// <summary>What auth/validator decided: the status to answer (0 = go on) and, when valid, the {JWT.claim} params.</summary>
internal readonly record struct JwtOutcome(int Status, string Reason, Dictionary<string, string>? Params)
{
    public static JwtOutcome Valid(Dictionary<string, string>? claimParams) => new(0, "", claimParams);
    public static JwtOutcome Unauthorized(string reason) => new(401, reason, null);
    public static JwtOutcome Forbidden(string reason) => new(403, reason, null);
}
