using System.Text.RegularExpressions;
using Cuttle.Config.Model;
using Cuttle.Gateway.Auth;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Proxy;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway;

public static partial class GenerationBuilder
{
    private static IEndpointHandler WrapValidator(IEndpointHandler handler, EndpointConfig endpoint, JwtValidatorOptions options,
        HttpMessageInvoker client, TimeProvider time, ILogger logger)
    {
        var keys = new JwkKeySource(options.JwkUrl, options.JwkLocalPath, client, time, options.Cache ? options.CacheDuration : null);
        var validator = new JwtValidator(options, keys, ClaimParams(endpoint), time, CelRejecter(endpoint, time));
        return new JwtValidatorEndpointHandler(handler, validator, options.CookieKey, options.AuthHeaderName, endpoint.Endpoint, logger);
    }

    private static IEndpointHandler BuildSigner(EndpointConfig endpoint, JwtSignerOptions options, IProxy stack,
        HttpMessageInvoker client, TimeProvider time, ILogger logger)
    {
        var keys = new JwkKeySource(options.JwkUrl, options.JwkLocalPath, client, time, maxAge: null);
        return new JwtSignerEndpointHandler(endpoint, stack, new JwtSigner(options.Alg, options.Kid, keys), logger);
    }

    /// <summary>krakend-jose extractRequiredJWTClaims: the claims named by {JWT.claim} in any backend url_pattern.</summary>
    private static string[] ClaimParams(EndpointConfig endpoint)
    {
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

    [GeneratedRegex(@"\{JWT\.([^}]+)\}")]
    private static partial Regex JwtParam();
}
