using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Qos;

/// <summary>
/// qos/circuit-breaker around one backend's pipe (krakend-circuitbreaker's proxy middleware: cb.Execute(next)). A
/// result with an error is a failure, anything else a success, exactly what gobreaker's Execute sees from lura. While
/// the breaker is open the call fails at once with gobreaker's error, without calling the backend: the endpoint then
/// answers as for any failed backend (500 alone, an incomplete merge otherwise).
/// </summary>
internal sealed class CircuitBreakerProxy(IProxy next, CircuitBreaker breaker) : IProxy
{
    // gobreaker's ErrOpenState and ErrTooManyRequests, shared: the rejection path allocates nothing.
    private static readonly ProxyError OpenState = new("circuit breaker is open");
    private static readonly ProxyError TooManyRequests = new("too many requests");

    public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
    {
        if (!breaker.TryEnter(out var generation, out var open))
            return ValueTask.FromResult(ProxyResult.Fail(open ? OpenState : TooManyRequests));
        return CallAsync(request, generation, cancellationToken);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ProxyResult> CallAsync(ProxyRequest request, ulong generation, CancellationToken cancellationToken)
    {
        ProxyResult result;
        try
        {
            result = await next.InvokeAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // gobreaker's Execute counts a panic as a failure before it re-panics.
            breaker.OnResult(generation, success: false);
            throw;
        }
        breaker.OnResult(generation, success: result.Error is null);
        return result;
    }
}
