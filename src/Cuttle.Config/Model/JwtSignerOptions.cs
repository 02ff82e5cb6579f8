using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>extra_config."auth/signer" (krakend-jose signer), endpoint level: each map value of keys_to_sign replaced by its JWS.</summary>
public sealed record JwtSignerOptions
{
    public string Alg { get; init; } = "RS256";
    public string Kid { get; init; } = "";

    /// <summary>The JWS header's typ; empty means "JWT".</summary>
    public string Typ { get; init; } = "";
    public string? JwkUrl { get; init; }
    public string? JwkLocalPath { get; init; }
    public bool DisableJwkSecurity { get; init; }
    public ImmutableArray<string> KeysToSign { get; init; } = [];

    /// <summary>full: the JWS of each key is go-jose's JSON (flattened) serialization instead of the compact one.</summary>
    public bool Full { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
