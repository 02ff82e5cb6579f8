using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."auth/validator" (krakend-jose validator), endpoint level. Defaults follow krakend-jose: RS256,
/// roles under "roles", the token in the Authorization header as "Bearer &lt;token&gt;", any-scope matching.
/// </summary>
public sealed record JwtValidatorOptions
{
    public string Alg { get; init; } = "RS256";
    public string? JwkUrl { get; init; }
    public string? JwkLocalPath { get; init; }
    public bool DisableJwkSecurity { get; init; }

    /// <summary>Accepted audiences; the token's aud must contain one of them. Empty: not checked.</summary>
    public ImmutableArray<string> Audience { get; init; } = [];
    public string? Issuer { get; init; }

    /// <summary>Required roles; any one of them grants access (403 otherwise). Empty: not checked.</summary>
    public ImmutableArray<string> Roles { get; init; } = [];
    public string RolesKey { get; init; } = "roles";
    public bool RolesKeyIsNested { get; init; }

    public ImmutableArray<string> Scopes { get; init; } = [];
    public string ScopesKey { get; init; } = "scope";

    /// <summary>"any" (default) or "all".</summary>
    public bool ScopesMatchAll { get; init; }

    public string? CookieKey { get; init; }
    public string AuthHeaderName { get; init; } = "Authorization";

    /// <summary>With cache, the JWK set is refreshed after <see cref="CacheDuration"/>; without, kept until a kid is unknown.</summary>
    public bool Cache { get; init; }
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Clock tolerance for exp / nbf / iat.</summary>
    public TimeSpan Leeway { get; init; } = TimeSpan.FromMinutes(1);

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
