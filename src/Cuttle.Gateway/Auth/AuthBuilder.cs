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
    public static readonly ImmutableArray<string> Namespaces = ["auth/validator", "auth/signer", "auth/revoker", "auth/client-credentials"];

    /// <summary>
    /// auth/client-credentials: the backend's transport, through the token source (krakend-oauth2-clientcredentials
    /// replaces the backend's HTTP client); the generation's transport when absent. Such a backend goes through the
    /// HttpMessageInvoker, not the lean HTTP/1.1 client, which has no per-request header hook.
    /// </summary>
    public static Backends.BackendTransport TransportFor(BackendConfig backend, BuildContext context)
    {
        if (backend.ClientCredentials is not { } options) return context.Transport;
        var tokens = new ClientCredentialsTokenSource(options, context.Client, context.Time, context.Logger);
        return new Backends.BackendTransport(new HttpMessageInvoker(new ClientCredentialsHandler(context.Client, tokens), disposeHandler: false));
    }

    /// <summary>auth/validator: checks the token before the endpoint handler runs; the handler itself when absent.</summary>
    public static IEndpointHandler WrapValidator(IEndpointHandler handler, EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.JwtValidator is not { } options) return handler;
        var keys = new JwkKeySource(options.JwkUrl, options.JwkLocalPath, context.Client, context.Time, options.Cache ? options.CacheDuration : null);
        var validator = new JwtValidator(options, keys, JwtParams.ClaimNames(endpoint), context.Time, CelBuilder.JwtRejecter(endpoint, context),
            Revocations(context));
        return new JwtValidatorEndpointHandler(handler, validator, options.CookieKey, options.AuthHeaderName, endpoint.Endpoint, context.Logger);
    }

    /// <summary>
    /// auth/revoker: the service's revocation list, one per generation, carried over a reload while n, p, hash_name and
    /// ttl are unchanged (so revocations added through the admin endpoint survive it); null when absent.
    /// </summary>
    public static RevocationList? Revocations(BuildContext context)
    {
        if (context.Config.Revoker is not { } options) return null;
        var settings = new RevokerSettings(options.N, options.P, options.HashName, options.TtlSeconds, string.Join('\n', options.TokenKeys));
        return context.State.GetOrCreate("auth/revoker", "service", settings,
            () => new RevocationList(options.N, options.P, options.HashName, TimeSpan.FromSeconds(options.TtlSeconds), [.. options.TokenKeys], context.Time));
    }

    private sealed record RevokerSettings(long N, double P, string HashName, long TtlSeconds, string TokenKeys);

    /// <summary>auth/signer: the handler that signs the response keys, in place of the plain endpoint handler; null when absent.</summary>
    public static IEndpointHandler? SignerHandler(IProxy stack, EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.JwtSigner is not { } options) return null;
        var keys = new JwkKeySource(options.JwkUrl, options.JwkLocalPath, context.Client, context.Time, maxAge: null);
        return new JwtSignerEndpointHandler(endpoint, stack, new JwtSigner(options.Alg, options.Kid, keys, options.Typ, options.Full), context.Logger, context.Time, context.Config.Router);
    }
}
