using System.Text.RegularExpressions;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Endpoints;

/// <summary>
/// How a validated token's claims reach the backends' {JWT.claim} placeholders: as named params, like the route's
/// {param} values. krakend-jose appends each claim a backend reads to gin's params under "JWT." + its name; here an
/// endpoint handler receives the route's values as an array, so auth/validator appends one value per
/// <see cref="ClaimNames"/> entry after them (null when the token lacks the claim) and the request factory files
/// those under their "JWT." names. The names are fixed at build time, so both sides agree on the positions.
/// </summary>
internal static partial class JwtParams
{
    public const string Prefix = "JWT.";

    /// <summary>
    /// The claims the endpoint's handlers receive after the route params (krakend-jose extractRequiredJWTClaims: those
    /// named by {JWT.claim} in any backend url_pattern). None without auth/validator, and none for a no-op endpoint,
    /// which forwards the request as the client sent it and has never substituted them.
    /// </summary>
    public static string[] ClaimNames(EndpointConfig endpoint)
    {
        if (endpoint.JwtValidator is null || endpoint.OutputEncoding == Encodings.NoOp) return [];
        var names = new List<string>();
        foreach (var backend in endpoint.Backend)
        {
            foreach (Match m in JwtParam().Matches(backend.UrlPattern))
            {
                if (!names.Contains(m.Groups[1].Value)) names.Add(m.Groups[1].Value);
            }
        }
        return [.. names];
    }

    /// <summary>The params' keys as the backends' URL templates read them: "JWT." + claim name.</summary>
    public static string[] Keys(string[] claimNames)
    {
        var keys = new string[claimNames.Length];
        for (var i = 0; i < keys.Length; i++) keys[i] = Prefix + claimNames[i];
        return keys;
    }

    /// <summary>The route's params followed by one value per key (null where <paramref name="claims"/> has none).</summary>
    public static string[] Append(string[] routeParams, string[] keys, Dictionary<string, string>? claims)
    {
        var all = new string?[routeParams.Length + keys.Length];
        routeParams.CopyTo(all, 0);
        if (claims is not null)
        {
            for (var i = 0; i < keys.Length; i++) all[routeParams.Length + i] = claims.GetValueOrDefault(keys[i]);
        }
        // The nulls mark absent claims; only CopyTo below reads past the route's params, and it skips them.
        return all!;
    }

    /// <summary>Files the claim values that follow the route's params under their keys in the request's named params.</summary>
    public static void CopyTo(string[] parameters, string[] keys, ProxyRequest request)
    {
        var first = parameters.Length - keys.Length;
        if (keys.Length == 0 || first < 0) return;
        for (var i = 0; i < keys.Length; i++)
        {
            if (parameters[first + i] is not { } value) continue;
            var target = request.SequentialParams ??= new Dictionary<string, string>(keys.Length, StringComparer.Ordinal);
            target[keys[i]] = value;
        }
    }

    [GeneratedRegex(@"\{JWT\.([^}]+)\}")]
    private static partial Regex JwtParam();
}
