using System.Text.Json;
using Cuttle.Config.Model;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// auth/validator (krakend-jose TokenSignatureValidator) decided per request: 401 when the token is missing,
/// malformed, signed with another algorithm or key, expired, or for another issuer/audience; 403 when it is valid
/// but lacks every required role (any one suffices) or the required scopes. The claims of a valid token are returned
/// for the endpoint's {JWT.claim} placeholders.
/// </summary>
internal sealed class JwtValidator
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private readonly JwtValidatorOptions _options;
    private readonly JwkKeySource _keys;
    private readonly TokenValidationParameters _template;
    private readonly string[] _claimParams;
    private readonly Cel.CelJwtRejecter? _rejecter;

    public JwtValidator(JwtValidatorOptions options, JwkKeySource keys, string[] claimParams, Cel.CelJwtRejecter? rejecter = null)
    {
        _rejecter = rejecter;
        _options = options;
        _keys = keys;
        _claimParams = claimParams;
        _template = new TokenValidationParameters
        {
            ValidAlgorithms = [options.Alg],
            ValidateIssuer = options.Issuer is not null,
            ValidIssuer = options.Issuer,
            ValidateAudience = !options.Audience.IsDefaultOrEmpty,
            ValidAudiences = options.Audience.IsDefaultOrEmpty ? null : [.. options.Audience],
            ValidateLifetime = true,
            RequireExpirationTime = false, // go-jose only checks exp when the token has one
            ClockSkew = options.Leeway,
            ValidateIssuerSigningKey = false,
            RequireSignedTokens = true,
            SaveSigninToken = false,
        };
    }

    /// <summary>Claim names the endpoint's backends read as {JWT.name}.</summary>
    public string[] ClaimParams => _claimParams;

    public async ValueTask<JwtOutcome> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token)) return JwtOutcome.Unauthorized("token not found");
        JsonWebToken parsed;
        try
        {
            parsed = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return JwtOutcome.Unauthorized("malformed token");
        }

        IList<SecurityKey> keys;
        try
        {
            keys = await _keys.GetKeysAsync(string.IsNullOrEmpty(parsed.Kid) ? null : parsed.Kid, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JwkUnavailableException or HttpRequestException or TaskCanceledException)
        {
            return JwtOutcome.Unauthorized("no keys: " + ex.Message);
        }

        var parameters = _template.Clone();
        parameters.IssuerSigningKeys = keys;
        var result = await Handler.ValidateTokenAsync(parsed, parameters).ConfigureAwait(false);
        if (!result.IsValid) return JwtOutcome.Unauthorized(result.Exception?.Message ?? "invalid token");

        // Roles, scopes and params read the payload as JSON, the way krakend-jose sees map[string]interface{}.
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parsed.EncodedPayload));
        var claims = payload.RootElement;
        if (claims.ValueKind != JsonValueKind.Object) return JwtOutcome.Unauthorized("claims are not an object");
        // krakend-jose asks the CEL rejecter right after validation, before the ACL checks: rejected is 401.
        if (_rejecter is not null && _rejecter.Reject(claims)) return JwtOutcome.Unauthorized("token rejected");
        if (!HasRole(claims)) return JwtOutcome.Forbidden("missing role");
        if (!HasScopes(claims)) return JwtOutcome.Forbidden("missing scope");
        return JwtOutcome.Valid(ExtractParams(claims));
    }

    private bool HasRole(JsonElement claims)
    {
        if (_options.Roles.IsDefaultOrEmpty) return true;
        // krakend-jose CanAccessNested: a dotted key walks objects, unless it is a URL-like claim name.
        var key = _options.RolesKey;
        JsonElement roles;
        if (_options.RolesKeyIsNested && key.Contains('.') && !key.StartsWith("http", StringComparison.Ordinal))
        {
            if (!TryWalk(claims, key, out roles)) return false;
        }
        else if (!claims.TryGetProperty(key, out roles)) return false;
        if (roles.ValueKind != JsonValueKind.Array) return false;
        foreach (var required in _options.Roles)
        {
            foreach (var r in roles.EnumerateArray())
            {
                if (r.ValueKind == JsonValueKind.String && r.ValueEquals(required)) return true;
            }
        }
        return false;
    }

    private bool HasScopes(JsonElement claims)
    {
        if (_options.Scopes.IsDefaultOrEmpty) return true;
        if (!claims.TryGetProperty(_options.ScopesKey, out var raw)) return false;
        var granted = new HashSet<string>(StringComparer.Ordinal);
        if (raw.ValueKind == JsonValueKind.String)
        {
            foreach (var s in raw.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries)) granted.Add(s);
        }
        else if (raw.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in raw.EnumerateArray()) if (s.ValueKind == JsonValueKind.String) granted.Add(s.GetString()!);
        }
        foreach (var required in _options.Scopes)
        {
            var has = granted.Contains(required);
            if (_options.ScopesMatchAll && !has) return false;
            if (!_options.ScopesMatchAll && has) return true;
        }
        return _options.ScopesMatchAll;
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
