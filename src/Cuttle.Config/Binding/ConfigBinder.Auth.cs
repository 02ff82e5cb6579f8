using System.Collections.Frozen;
using System.Collections.Immutable;
using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>The JWS algorithms go-jose (and so krakend-jose) knows for signatures.</summary>
    private static readonly FrozenSet<string> JwsAlgorithms = FrozenSet.ToFrozenSet(
        ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"],
        StringComparer.Ordinal);

    /// <summary>krakend-jose GetSignatureConfig: the key source must exist and be https unless disable_jwk_security.</summary>
    private JwtValidatorOptions? BindJwtValidator(JsonNode? extra)
    {
        if (Namespace(extra, "auth/validator") is not { } v)
            return null;
        const string ns = "auth/validator";
        string? S(string key) => v[key] is { } n ? ReadString(n, $"{ns}.{key}", null) : null;
        bool B(string key) => v[key] is { } n && ReadBool(n, $"{ns}.{key}", false);
        ImmutableArray<string> L(string key) => v[key] is { } n ? ReadStringList(n, $"{ns}.{key}") : [];

        var alg = Algorithm(v, ns);
        var (url, local, insecure) = KeySource(v, ns);
        var matcher = S("scopes_matcher") ?? "any";
        if (matcher is not ("any" or "all"))
            Error(v["scopes_matcher"]!, $"\"{ns}.scopes_matcher\" must be \"any\" or \"all\", got \"{matcher}\"");
        if (v["propagate_claims"] is not null && _options.Lint)
            Warning(v["propagate_claims"]!, $"\"{ns}.propagate_claims\" is not implemented by Cuttle yet and is ignored");
        return new JwtValidatorOptions
        {
            Alg = alg,
            JwkUrl = url,
            JwkLocalPath = local,
            DisableJwkSecurity = insecure,
            Audience = L("audience"),
            Issuer = string.IsNullOrEmpty(S("issuer")) ? null : S("issuer"),
            Roles = L("roles"),
            RolesKey = string.IsNullOrEmpty(S("roles_key")) ? "roles" : S("roles_key")!,
            RolesKeyIsNested = B("roles_key_is_nested"),
            Scopes = L("scopes"),
            ScopesKey = string.IsNullOrEmpty(S("scopes_key")) ? "scope" : S("scopes_key")!,
            ScopesMatchAll = matcher == "all",
            CookieKey = string.IsNullOrEmpty(S("cookie_key")) ? JwtValidatorOptions.DefaultCookieKey : S("cookie_key")!,
            AuthHeaderName = string.IsNullOrEmpty(S("auth_header_name")) ? "Authorization" : S("auth_header_name")!,
            Cache = B("cache"),
            CacheDuration = v["cache_duration"] is { } cd ? ReadDuration(cd, $"{ns}.cache_duration", TimeSpan.FromMinutes(15)) : TimeSpan.FromMinutes(15),
            Leeway = v["leeway"] is { } lw ? Leeway(lw, $"{ns}.leeway") : JwtValidatorOptions.MinimumLeeway,
            Location = Loc(v),
        };
    }

    /// <summary>
    /// krakend-jose NewValidator: leeway is a string for time.ParseDuration; when that fails (empty, missing, not a
    /// duration) it is one second, and go-auth0 raises anything under one second to one second. A non-string fails
    /// GetSignatureConfig's unmarshal, after which KrakenD answers every request of the endpoint 401: an error here.
    /// </summary>
    private TimeSpan Leeway(JsonNode node, string field)
    {
        if (node.Kind == JsonNodeKind.Null)
            return JwtValidatorOptions.MinimumLeeway;
        if (node.Kind != JsonNodeKind.String)
        {
            Error(node, $"\"{field}\" must be a duration string such as \"5s\", got {node.KindName}");
            return JwtValidatorOptions.MinimumLeeway;
        }
        if (!GoDuration.TryParse(node.Text, out var leeway))
        {
            if (!string.IsNullOrEmpty(node.Text))
                Warning(node, $"invalid duration \"{node.Text}\" for \"{field}\": KrakenD uses one second instead");
            return JwtValidatorOptions.MinimumLeeway;
        }
        return leeway < JwtValidatorOptions.MinimumLeeway ? JwtValidatorOptions.MinimumLeeway : leeway;
    }

    private JwtSignerOptions? BindJwtSigner(JsonNode? extra)
    {
        if (Namespace(extra, "auth/signer") is not { } s)
            return null;
        const string ns = "auth/signer";
        var (url, local, insecure) = KeySource(s, ns);
        var full = s["full"] is { } f && ReadBool(f, $"{ns}.full", false);
        if (full)
            Warning(s["full"]!, $"\"{ns}.full\" (signing the whole response) is not implemented by Cuttle yet; only keys_to_sign are signed");
        return new JwtSignerOptions
        {
            Alg = Algorithm(s, ns),
            Kid = s["kid"] is { } k ? ReadString(k, $"{ns}.kid", "") ?? "" : "",
            JwkUrl = url,
            JwkLocalPath = local,
            DisableJwkSecurity = insecure,
            KeysToSign = s["keys_to_sign"] is { } ks ? ReadStringList(ks, $"{ns}.keys_to_sign") : [],
            Full = full,
            Location = Loc(s),
        };
    }

    private string Algorithm(JsonNode obj, string ns)
    {
        var alg = obj["alg"] is { } a ? ReadString(a, ns + ".alg", null) : null;
        if (string.IsNullOrEmpty(alg))
            return "RS256"; // krakend-jose's default
        if (!JwsAlgorithms.Contains(alg))
            Error(obj["alg"]!, $"unsupported {ns}.alg \"{alg}\": expected one of {string.Join(", ", JwsAlgorithms.Order(StringComparer.Ordinal))}");
        return alg;
    }

    private (string? Url, string? Local, bool Insecure) KeySource(JsonNode obj, string ns)
    {
        var url = obj["jwk_url"] is { } u ? ReadString(u, ns + ".jwk_url", null) : null;
        var local = obj["jwk_local_path"] is { } l ? ReadString(l, ns + ".jwk_local_path", null) : null;
        var insecure = obj["disable_jwk_security"] is { } d && ReadBool(d, ns + ".disable_jwk_security", false);
        if (string.IsNullOrEmpty(url)) url = null;
        if (string.IsNullOrEmpty(local)) local = null;
        if (url is null && local is null)
        {
            // krakend check accepts this; at run time no token can be verified, so every request is refused.
            Warning(obj, $"\"{ns}\" has no \"jwk_url\" or \"jwk_local_path\": no key can verify or sign a token, so the endpoint refuses every request");
        }
        else if (url is not null && local is null)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http"))
                Error(obj["jwk_url"]!, $"\"{ns}.jwk_url\" must be an absolute http(s) URL, got \"{url}\"");
            else if (uri.Scheme == "http" && !insecure)
                Error(obj["jwk_url"]!, $"\"{ns}.jwk_url\" uses plain http: KrakenD refuses insecure JWK connections unless \"disable_jwk_security\": true");
        }
        return (url, local, insecure);
    }
}
