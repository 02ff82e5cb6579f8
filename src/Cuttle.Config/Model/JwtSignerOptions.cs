using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>extra_config."auth/signer" (krakend-jose signer), endpoint level: response keys replaced by compact JWS.</summary>
public sealed record JwtSignerOptions
{
    public string Alg { get; init; } = "RS256";
    public string Kid { get; init; } = "";
    public string? JwkUrl { get; init; }
    public string? JwkLocalPath { get; init; }
    public bool DisableJwkSecurity { get; init; }
    public ImmutableArray<string> KeysToSign { get; init; } = [];

    /// <summary>Sign the whole response (not implemented by Cuttle yet; the binder warns).</summary>
    public bool Full { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
