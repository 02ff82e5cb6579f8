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

    /// <summary>The keys krakend-jose's SignatureConfig reads (json tags); any other key is ignored by KrakenD.</summary>
    private static readonly FrozenSet<string> JwtValidatorKeys = FrozenSet.ToFrozenSet(
    [
        "alg", "auth_header_name", "jwk_url", "cache", "cache_duration", "issuer", "audience", "roles", "propagate_claims",
        "propagate_claims_preserve_array", "roles_key", "roles_key_is_nested", "cookie_key", "cipher_suites",
        "disable_jwk_security", "jwk_fingerprints", "jwk_local_ca", "jwk_local_path", "secret_url", "cypher_key", "scopes",
        "scopes_key", "scopes_matcher", "key_identify_strategy", "operation_debug", "leeway", "failed_jwk_key_cooldown",
    ], StringComparer.Ordinal);

    /// <summary>The keys krakend-jose's SignerConfig reads.</summary>
    private static readonly FrozenSet<string> JwtSignerKeys = FrozenSet.ToFrozenSet(
    [
        "alg", "kid", "typ", "jwk_url", "full", "keys_to_sign", "cipher_suites", "disable_jwk_security", "jwk_fingerprints",
        "jwk_local_ca", "jwk_local_path", "secret_url", "cypher_key",
    ], StringComparer.Ordinal);

    /// <summary>krakend-jose GetSignatureConfig: the key source must exist and be https unless disable_jwk_security.</summary>
    private JwtValidatorOptions? BindJwtValidator(JsonNode? extra)
    {
        if (Namespace(extra, "auth/validator") is not { } v)
            return null;
        const string ns = "auth/validator";
        LintUnknown(v, JwtValidatorKeys, $"\"{ns}\"");
        string? S(string key) => v[key] is { } n ? ReadString(n, $"{ns}.{key}", null) : null;
        bool B(string key) => v[key] is { } n && ReadBool(n, $"{ns}.{key}", false);
        ImmutableArray<string> L(string key) => v[key] is { } n ? ReadStringList(n, $"{ns}.{key}") : [];

        var alg = Algorithm(v, ns);
        var (url, local, insecure) = KeySource(v, ns);
        var matcher = S("scopes_matcher") ?? "any";
        if (matcher is not ("any" or "all" or ""))
            Error(v["scopes_matcher"]!, $"\"{ns}.scopes_matcher\" must be \"any\" or \"all\", got \"{matcher}\"");
        var scopes = L("scopes");
        var scopesKey = S("scopes_key") ?? "";
        // krakend-jose checks scopes only when both scopes and scopes_key are set (no default claim name).
        if (!scopes.IsDefaultOrEmpty && scopesKey.Length == 0)
            Warning(v["scopes"]!, $"\"{ns}.scopes\" is set without \"scopes_key\": KrakenD checks no scope then, and neither does Cuttle; add \"scopes_key\": \"scope\" to require them");
        var strategy = S("key_identify_strategy") ?? "";
        if (strategy is not ("" or "kid"))
            Error(v["key_identify_strategy"]!, $"\"{ns}.key_identify_strategy\" \"{strategy}\" is not implemented by Cuttle (only \"kid\"); refusing rather than matching keys differently from KrakenD");
        if (B("cache") && local is not null)
            Error(v["cache"]!, $"\"{ns}.cache\" cannot be used with \"jwk_local_path\" (krakend-jose: \"cache could not be used with jwk_local_path\")");
        NotImplementedKeys(v, ns);
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
            Scopes = scopes,
            ScopesKey = scopesKey,
            ScopesMatchAll = matcher == "all",
            CookieKey = string.IsNullOrEmpty(S("cookie_key")) ? JwtValidatorOptions.DefaultCookieKey : S("cookie_key")!,
            AuthHeaderName = string.IsNullOrEmpty(S("auth_header_name")) ? "Authorization" : S("auth_header_name")!,
            Cache = B("cache"),
            CacheDuration = v["cache_duration"] is { } cd ? CacheDuration(cd, $"{ns}.cache_duration") : TimeSpan.FromMinutes(15),
            Leeway = v["leeway"] is { } lw ? Leeway(lw, $"{ns}.leeway") : JwtValidatorOptions.MinimumLeeway,
            PropagateClaims = v["propagate_claims"] is { } pc ? PropagateClaims(pc, $"{ns}.propagate_claims") : [],
            PropagateClaimsPreserveArray = B("propagate_claims_preserve_array"),
            OperationDebug = B("operation_debug"),
            Location = Loc(v),
        };
    }

    /// <summary>
    /// krakend-jose's cache_duration is a uint32 of seconds (0: fifteen minutes). A string such as "15m" fails its
    /// unmarshal, after which KrakenD answers every request of the endpoint 401: an error here.
    /// </summary>
    private TimeSpan CacheDuration(JsonNode node, string field)
    {
        if (node.Kind == JsonNodeKind.Null) return TimeSpan.FromMinutes(15);
        if (node.Kind == JsonNodeKind.Number && long.TryParse(node.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds <= uint.MaxValue)
            return seconds == 0 ? TimeSpan.FromMinutes(15) : TimeSpan.FromSeconds(seconds);
        Error(node, $"\"{field}\" must be a whole number of seconds (krakend-jose reads a uint32), got {node.KindName}");
        return TimeSpan.FromMinutes(15);
    }

    /// <summary>propagate_claims: a list of [claim, header] pairs ([][]string in krakend-jose).</summary>
    private ImmutableArray<KeyValuePair<string, string>> PropagateClaims(JsonNode node, string field)
    {
        if (node.Kind == JsonNodeKind.Null) return [];
        if (node.Kind != JsonNodeKind.Array)
        {
            Error(node, $"\"{field}\" must be a list of [\"claim\", \"header\"] pairs, got {node.KindName}");
            return [];
        }
        var pairs = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>(node.Items.Length);
        foreach (var item in node.Items)
        {
            if (item.Kind != JsonNodeKind.Array || item.Items.Length != 2
                || item.Items[0].Kind != JsonNodeKind.String || item.Items[1].Kind != JsonNodeKind.String)
            {
                // krakend-jose skips a tuple that is not two strings (with a warning per request); refused here.
                Error(item, $"\"{field}\" entries must be [\"claim\", \"header\"] (two strings), got {item.KindName}");
                continue;
            }
            pairs.Add(new(item.Items[0].Text ?? "", item.Items[1].Text ?? ""));
        }
        return pairs.ToImmutable();
    }

    /// <summary>
    /// Keys krakend-jose acts on that Cuttle does not: refusing them beats a silently different trust decision
    /// (pinned or privately signed JWK servers, encrypted key files); cipher_suites only narrows TLS, so it warns.
    /// </summary>
    private void NotImplementedKeys(JsonNode obj, string ns)
    {
        foreach (var key in (ReadOnlySpan<string>)["jwk_fingerprints", "jwk_local_ca", "secret_url", "cypher_key"])
        {
            if (obj[key] is { Kind: not JsonNodeKind.Null } n)
                Error(n, $"\"{ns}.{key}\" is not implemented by Cuttle; remove it or use a JWK source Cuttle can verify");
        }
        if (obj["cipher_suites"] is { Kind: not JsonNodeKind.Null } cs)
            Warning(cs, $"\"{ns}.cipher_suites\" is ignored by Cuttle: the JWK client uses the platform's TLS 1.2+ cipher suites");
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
        LintUnknown(s, JwtSignerKeys, $"\"{ns}\"");
        var (url, local, insecure) = KeySource(s, ns);
        var full = s["full"] is { } f && ReadBool(f, $"{ns}.full", false);
        NotImplementedKeys(s, ns);
        return new JwtSignerOptions
        {
            Alg = Algorithm(s, ns),
            Kid = s["kid"] is { } k ? ReadString(k, $"{ns}.kid", "") ?? "" : "",
            Typ = s["typ"] is { } t ? ReadString(t, $"{ns}.typ", "") ?? "" : "",
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
        if (local is not null && !insecure && (url is null || !url.StartsWith("https://", StringComparison.Ordinal)))
        {
            // GetSignatureConfig checks jwk_url even when the keys come from a file: KrakenD answers every request 401.
            Error(obj["jwk_local_path"]!, $"\"{ns}.jwk_local_path\" without an https \"jwk_url\" needs \"disable_jwk_security\": true (KrakenD otherwise refuses the configuration and answers every request 401)");
        }
        return (url, local, insecure);
    }
}
