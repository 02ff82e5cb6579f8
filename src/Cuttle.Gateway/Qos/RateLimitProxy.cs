using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Qos;

/// <summary>
/// qos/ratelimit/proxy around one backend's pipe (krakend-ratelimit's proxy middleware): with no token left the call
/// fails at once with krakendrate.ErrLimited, without reaching the backend, and the endpoint answers as for any failed
/// backend (500 alone, an incomplete merge otherwise).
/// </summary>
internal sealed class RateLimitProxy(IProxy next, IRateLimiter limiter) : IProxy
{
    // krakendrate.ErrLimited, spelled as KrakenD spells it; shared, so a rejection allocates nothing.
    internal static readonly ProxyError Limited = new("rate limit exceded");

    public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken) =>
        limiter.TryTake() ? next.InvokeAsync(request, cancellationToken) : ValueTask.FromResult(ProxyResult.Fail(Limited));
}
