using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."auth/validator" (krakend-jose validator), endpoint level. Defaults follow krakend-jose: RS256,
/// roles under "roles", the token in the Authorization header (else the access_token cookie), any-scope matching,
/// one second of leeway.
/// </summary>
public sealed record JwtValidatorOptions
{
    public string Alg { get; init; } = "RS256";
    public string? JwkUrl { get; init; }
    public string? JwkLocalPath { get; init; }
    public bool DisableJwkSecurity { get; init; }

    /// <summary>
    /// Required audiences: the token's aud must contain every one of them (go-jose Expected.Audience, which
    /// krakend-jose passes the whole list to). Empty: not checked.
    /// </summary>
    public ImmutableArray<string> Audience { get; init; } = [];
    public string? Issuer { get; init; }

    /// <summary>Required roles; any one of them grants access (403 otherwise). Empty: not checked.</summary>
    public ImmutableArray<string> Roles { get; init; } = [];
    public string RolesKey { get; init; } = "roles";
    public bool RolesKeyIsNested { get; init; }

    public ImmutableArray<string> Scopes { get; init; } = [];

    /// <summary>
    /// The claim holding the scopes; a dotted name is walked through nested objects. krakend-jose has no default:
    /// without scopes_key the scopes are not checked at all.
    /// </summary>
    public string ScopesKey { get; init; } = "";

    /// <summary>"any" (default) or "all".</summary>
    public bool ScopesMatchAll { get; init; }

    /// <summary>
    /// The cookie read when the header carries no token. krakend-jose FromCookie reads "access_token" when
    /// cookie_key is empty, so the cookie is always a second source.
    /// </summary>
    public string CookieKey { get; init; } = DefaultCookieKey;
    public const string DefaultCookieKey = "access_token";
    public string AuthHeaderName { get; init; } = "Authorization";

    /// <summary>With cache, the JWK set is refreshed after <see cref="CacheDuration"/>; without, kept until a kid is unknown.</summary>
    public bool Cache { get; init; }
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Clock tolerance for exp / nbf / iat. krakend-jose NewValidator uses one second when leeway is missing or
    /// not a Go duration, and go-auth0 NewValidatorWithLeeway raises anything shorter to one second.
    /// </summary>
    public TimeSpan Leeway { get; init; } = MinimumLeeway;
    public static readonly TimeSpan MinimumLeeway = TimeSpan.FromSeconds(1);

    /// <summary>
    /// propagate_claims: (claim, header) pairs; after validation each header of the client request is replaced by the
    /// claim's text (empty when the claim is missing), so a backend sees it when input_headers lets it through.
    /// </summary>
    public ImmutableArray<KeyValuePair<string, string>> PropagateClaims { get; init; } = [];

    /// <summary>propagate_claims_preserve_array: a list claim becomes one header value per element instead of "a,b".</summary>
    public bool PropagateClaimsPreserveArray { get; init; }

    /// <summary>operation_debug: log why a token is refused (krakend-jose logs nothing otherwise).</summary>
    public bool OperationDebug { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
