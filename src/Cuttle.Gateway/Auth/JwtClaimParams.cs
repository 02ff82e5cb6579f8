using Cuttle.Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// Carries a validated token's {JWT.claim} values from the validator to the endpoint handler as a request feature
/// (krakend-jose appends them to gin's params); the handler adds them to the proxy request's named params.
/// </summary>
internal sealed class JwtClaimParams(Dictionary<string, string> values)
{
    public Dictionary<string, string> Values { get; } = values;

    public static void ApplyTo(HttpContext context, ProxyRequest request)
    {
        if (context.Features.Get<JwtClaimParams>() is not { } jwt) return;
        var target = request.SequentialParams ??= new Dictionary<string, string>(jwt.Values.Count, StringComparer.Ordinal);
        foreach (var (k, v) in jwt.Values) target[k] = v;
    }
}
