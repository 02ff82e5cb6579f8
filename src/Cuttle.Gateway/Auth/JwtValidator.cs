using System.Text.Json;
using Cuttle.Config.Model;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// auth/validator (krakend-jose TokenSignatureValidator over go-auth0 and go-jose v3) decided per request: 401 when
/// the token is missing or malformed, signed with another algorithm, names a kid the JWK set lacks, has a bad
/// signature, or fails go-jose's registered-claims check (issuer, every configured audience, nbf / exp / iat with
/// the leeway); 403 when it is valid but lacks every required role (any one suffices) or the required scopes. The
/// claims of a valid token are returned for the endpoint's {JWT.claim} placeholders.
/// </summary>
internal sealed class JwtValidator
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private readonly JwtValidatorOptions _options;
    private readonly JwkKeySource _keys;
    private readonly TimeProvider _time;
    private readonly long _leewayTicks;
    private readonly TokenValidationParameters _template;
    private readonly string[] _claimParams;
    private readonly Cel.CelJwtRejecter? _rejecter;

    private readonly RevocationList? _revocations;

    public JwtValidator(JwtValidatorOptions options, JwkKeySource keys, string[] claimParams, TimeProvider time,
        Cel.CelJwtRejecter? rejecter = null, RevocationList? revocations = null)
    {
        _rejecter = rejecter;
        _revocations = revocations;
        _options = options;
        _keys = keys;
        _time = time;
        // go-auth0 NewValidatorWithLeeway: a leeway under one second becomes one second.
        _leewayTicks = Math.Max(options.Leeway.Ticks, JwtValidatorOptions.MinimumLeeway.Ticks);
        _claimParams = claimParams;
        // The handler only checks the signature with the one key the kid selects; the claims are go-jose's checks
        // below (the handler's lifetime rules differ: no iat check, nbf > exp refused, any one audience accepted).
        _template = new TokenValidationParameters
        {
            ValidAlgorithms = [options.Alg],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
            RequireSignedTokens = true,
            SaveSigninToken = false,
        };
    }

    /// <summary>operation_debug: rejections are logged as warnings rather than at debug level.</summary>
    public bool OperationDebug => _options.OperationDebug;

    /// <summary>Claim names the endpoint's backends read as {JWT.name}.</summary>
    public string[] ClaimParams => _claimParams;

    public async ValueTask<JwtOutcome> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token)) return JwtOutcome.Unauthorized("token not found");
        JsonWebToken parsed;
        try
        {
            parsed = new JsonWebToken(StripWhitespace(token));
        }
        catch (ArgumentException)
        {
            return JwtOutcome.Unauthorized("malformed token");
        }

        // go-auth0 ValidateTokenHeaders runs before the key is looked up, so a wrong alg never fetches the JWK set.
        if (!string.Equals(parsed.Alg, _options.Alg, StringComparison.Ordinal)) return JwtOutcome.Unauthorized("algorithm is invalid");

        SecurityKey? key;
        try
        {
            key = await _keys.FindAsync(parsed.Kid ?? "", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JwkUnavailableException or HttpRequestException or TaskCanceledException)
        {
            return JwtOutcome.Unauthorized("no keys: " + ex.Message);
        }
        if (key is null) return JwtOutcome.Unauthorized("no key for kid \"" + parsed.Kid + "\" in the JWK set");

        var parameters = _template.Clone();
        parameters.IssuerSigningKey = key;
        var result = await Handler.ValidateTokenAsync(parsed, parameters).ConfigureAwait(false);
        if (!result.IsValid) return JwtOutcome.Unauthorized(result.Exception?.Message ?? "invalid token");

        // Roles, scopes and params read the payload as JSON, the way krakend-jose sees map[string]interface{}.
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parsed.EncodedPayload));
        var claims = payload.RootElement;
        if (claims.ValueKind != JsonValueKind.Object) return JwtOutcome.Unauthorized("claims are not an object");
        if (RegisteredClaimsError(claims) is { } error) return JwtOutcome.Unauthorized(error);
        // krakend-jose asks the chained rejecters right after validation, before the ACL checks (CE: the bloom filter
        // of auth/revoker, then CEL): rejected is 401.
        if (_revocations is not null && _revocations.IsRevoked(claims)) return JwtOutcome.Unauthorized("token revoked");
        if (_rejecter is not null && _rejecter.Reject(claims)) return JwtOutcome.Unauthorized("token rejected");
        if (!HasRole(claims)) return JwtOutcome.Forbidden("missing role");
        if (!HasScopes(claims)) return JwtOutcome.Forbidden("missing scope");
        return JwtOutcome.Valid(ExtractParams(claims), PropagatedHeaders(claims));
    }

    /// <summary>
    /// go-jose v3 jwt.Claims unmarshal then ValidateWithLeeway(Expected{Issuer, Audience, Time: now}, leeway):
    /// iss/sub/jti must be strings, aud a string or a list of strings, exp/nbf/iat numbers (go-jose leaves a null
    /// date unset, but JsonWebToken has already refused one as malformed: stricter, never looser);
    /// a configured issuer must equal iss; every configured audience must be in aud (Expected.Audience, not
    /// AnyAudience); then now + leeway before nbf, now - leeway after exp, and now + leeway before iat ("token
    /// issued in the future") are refused. Null when the claims pass.
    /// </summary>
    private string? RegisteredClaimsError(JsonElement claims)
    {
        if (!TryString(claims, "iss", out var iss) || !TryString(claims, "sub", out _) || !TryString(claims, "jti", out _))
            return "claims: iss, sub and jti must be strings";
        if (!TryDate(claims, "exp", out var exp) || !TryDate(claims, "nbf", out var nbf) || !TryDate(claims, "iat", out var iat))
            return "claims: exp, nbf and iat must be numbers";
        var hasAud = claims.TryGetProperty("aud", out var aud);
        if (hasAud && !IsAudience(aud)) return "claims: aud must be a string or a list of strings";

        if (_options.Issuer is { Length: > 0 } issuer && !string.Equals(issuer, iss, StringComparison.Ordinal)) return "invalid issuer";
        if (!_options.Audience.IsDefaultOrEmpty)
        {
            foreach (var required in _options.Audience)
            {
                if (!hasAud || !AudienceContains(aud, required)) return "invalid audience";
            }
        }

        var now = (Int128)_time.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks;
        if (nbf is { } n && now + _leewayTicks < n * TimeSpan.TicksPerSecond) return "token not valid yet (nbf)";
        if (exp is { } e && now - _leewayTicks > e * TimeSpan.TicksPerSecond) return "token is expired (exp)";
        if (iat is { } i && now + _leewayTicks < i * TimeSpan.TicksPerSecond) return "token issued in the future (iat)";
        return null;
    }

    private static bool TryString(JsonElement claims, string name, out string? value)
    {
        value = null;
        if (!claims.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return true;
        if (v.ValueKind != JsonValueKind.String) return false;
        value = v.GetString();
        return true;
    }

    /// <summary>
    /// go-jose NumericDate: the number is parsed as a float64 and converted to int64 seconds (truncated). A value
    /// beyond int64 converts, on amd64, to the minimum int64, i.e. long ago.
    /// </summary>
    private static bool TryDate(JsonElement claims, string name, out Int128? seconds)
    {
        seconds = null;
        if (!claims.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return true;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var f)) return false;
        seconds = f is >= -9.223372036854775808e18 and < 9.223372036854775808e18 ? (long)f : long.MinValue;
        return true;
    }

    private static bool IsAudience(JsonElement aud)
    {
        if (aud.ValueKind == JsonValueKind.String) return true;
        if (aud.ValueKind != JsonValueKind.Array) return false; // null too: go-jose's Audience.UnmarshalJSON refuses it
        foreach (var a in aud.EnumerateArray()) if (a.ValueKind != JsonValueKind.String) return false;
        return true;
    }

    private static bool AudienceContains(JsonElement aud, string required)
    {
        if (aud.ValueKind == JsonValueKind.String) return aud.ValueEquals(required);
        foreach (var a in aud.EnumerateArray()) if (a.ValueEquals(required)) return true;
        return false;
    }

    /// <summary>go-jose ParseSigned strips every Unicode space from the serialized token before splitting it.</summary>
    private static string StripWhitespace(string token)
    {
        var i = 0;
        while (i < token.Length && !char.IsWhiteSpace(token[i])) i++;
        if (i == token.Length) return token; // the usual case: nothing to copy
        var sb = new System.Text.StringBuilder(token.Length);
        foreach (var c in token) if (!char.IsWhiteSpace(c)) sb.Append(c);
        return sb.ToString();
    }

    /// <summary>
    /// krakend-jose CanAccess / CanAccessNested: the roles claim is a list (any required role in it) or a
    /// space-separated string (split on each single space, as strings.Split does); anything else refuses. A
    /// nested key walks objects, unless it is a URL-like claim name.
    /// </summary>
    private bool HasRole(JsonElement claims)
    {
        if (_options.Roles.IsDefaultOrEmpty) return true;
        var key = _options.RolesKey;
        JsonElement roles;
        if (_options.RolesKeyIsNested && key.Contains('.') && !key.StartsWith("http", StringComparison.Ordinal))
        {
            if (!TryWalk(claims, key, out roles)) return false;
        }
        else if (!claims.TryGetProperty(key, out roles)) return false;
        if (roles.ValueKind == JsonValueKind.Array)
        {
            foreach (var required in _options.Roles)
            {
                foreach (var r in roles.EnumerateArray())
                {
                    if (r.ValueKind == JsonValueKind.String && r.ValueEquals(required)) return true;
                }
            }
            return false;
        }
        if (roles.ValueKind != JsonValueKind.String) return false;
        var granted = roles.GetString()!;
        foreach (var required in _options.Roles)
        {
            if (HasSpaceSeparated(granted, required)) return true;
        }
        return false;
    }

    private static bool HasSpaceSeparated(string list, string item)
    {
        var rest = list.AsSpan();
        while (true)
        {
            var space = rest.IndexOf(' ');
            if ((space < 0 ? rest : rest[..space]).SequenceEqual(item)) return true;
            if (space < 0) return false;
            rest = rest[(space + 1)..];
        }
    }

    /// <summary>
    /// krakend-jose ScopesAnyMatcher / ScopesAllMatcher, used only when scopes and scopes_key are both set: a dotted
    /// scopes_key walks nested objects (getNestedClaim, no "http" exception); the claim is a non-empty list of strings
    /// or a string split on each single space; anything else refuses.
    /// </summary>
    private bool HasScopes(JsonElement claims)
    {
        if (_options.Scopes.IsDefaultOrEmpty || _options.ScopesKey.Length == 0) return true;
        var key = _options.ScopesKey;
        JsonElement raw;
        if (key.Contains('.'))
        {
            if (!TryWalk(claims, key, out raw)) return false;
        }
        else if (!claims.TryGetProperty(key, out raw)) return false;
        if (raw.ValueKind == JsonValueKind.Array && raw.GetArrayLength() > 0)
        {
            foreach (var required in _options.Scopes)
            {
                var has = false;
                foreach (var g in raw.EnumerateArray())
                {
                    if (g.ValueKind == JsonValueKind.String && g.ValueEquals(required)) { has = true; break; }
                }
                if (_options.ScopesMatchAll && !has) return false;
                if (!_options.ScopesMatchAll && has) return true;
            }
            return _options.ScopesMatchAll;
        }
        if (raw.ValueKind != JsonValueKind.String) return false;
        var granted = raw.GetString()!;
        foreach (var required in _options.Scopes)
        {
            var has = HasSpaceSeparated(granted, required);
            if (_options.ScopesMatchAll && !has) return false;
            if (!_options.ScopesMatchAll && has) return true;
        }
        return _options.ScopesMatchAll;
    }

    /// <summary>
    /// krakend-jose propagateHeaders: each (claim, header) pair replaces the request header with the claim's text, ""
    /// when the claim is missing. A dotted claim name (not starting with "http") walks nested objects. With
    /// propagate_claims_preserve_array a list claim gives one value per element. Null when nothing is propagated.
    /// </summary>
    private KeyValuePair<string, StringValues>[]? PropagatedHeaders(JsonElement claims)
    {
        var pairs = _options.PropagateClaims;
        if (pairs.IsDefaultOrEmpty) return null;
        var headers = new KeyValuePair<string, StringValues>[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            var (claim, header) = pairs[i];
            var nested = claim.Contains('.') && !(claim.Length >= 4 && claim.StartsWith("http", StringComparison.Ordinal));
            var found = nested ? TryWalk(claims, claim, out var value) : claims.TryGetProperty(claim, out value);
            StringValues text;
            if (!found) text = _options.PropagateClaimsPreserveArray ? new StringValues("") : "";
            else if (_options.PropagateClaimsPreserveArray) text = ClaimText.List(value);
            else text = ClaimText.Get(value);
            headers[i] = new(header, text);
        }
        return headers;
    }

    private Dictionary<string, string>? ExtractParams(JsonElement claims)
    {
        if (_claimParams.Length == 0) return null;
        var values = new Dictionary<string, string>(_claimParams.Length, StringComparer.Ordinal);
        foreach (var name in _claimParams)
        {
            if (!claims.TryGetProperty(name, out var v) && !(name.Contains('.') && TryWalk(claims, name, out v))) continue;
            values["JWT." + name] = v.ValueKind switch
            {
                JsonValueKind.String => v.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => v.GetRawText(),
            };
        }
        return values;
    }

    private static bool TryWalk(JsonElement root, string dotted, out JsonElement value)
    {
        value = root;
        foreach (var part in dotted.Split('.'))
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(part, out value)) return false;
        }
        return true;
    }
}
