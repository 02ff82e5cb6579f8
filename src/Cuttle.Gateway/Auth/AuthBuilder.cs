using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Cel;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Auth;

/// <summary>Build-time wiring of auth/validator and auth/signer (krakend-jose) into an endpoint.</summary>
internal static class AuthBuilder
{
    /// <summary>The extra_config namespaces this feature implements.</summary>
    public static readonly ImmutableArray<string> Namespaces = ["auth/validator", "auth/signer"];

    /// <summary>auth/validator: checks the token before the endpoint handler runs; the handler itself when absent.</summary>
    public static IEndpointHandler WrapValidator(IEndpointHandler handler, EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.JwtValidator is not { } options) return handler;
        var keys = new JwkKeySource(options.JwkUrl, options.JwkLocalPath, context.Client, context.Time, options.Cache ? options.CacheDuration : null);
        var validator = new JwtValidator(options, keys, JwtParams.ClaimNames(endpoint), context.Time, CelBuilder.JwtRejecter(endpoint, context));
        return new JwtValidatorEndpointHandler(handler, validator, options.CookieKey, options.AuthHeaderName, endpoint.Endpoint, context.Logger);
    }

    /// <summary>auth/signer: the handler that signs the response keys, in place of the plain endpoint handler; null when absent.</summary>
    public static IEndpointHandler? SignerHandler(IProxy stack, EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.JwtSigner is not { } options) return null;
        var keys = new JwkKeySource(options.JwkUrl, options.JwkLocalPath, context.Client, context.Time, maxAge: null);
        return new JwtSignerEndpointHandler(endpoint, stack, new JwtSigner(options.Alg, options.Kid, keys), context.Logger, context.Time, context.Config.Router);
    }
}
