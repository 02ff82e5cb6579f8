using System.Runtime.CompilerServices;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Telemetry.Traffic;

/// <summary>
/// The console's counters around one backend, outermost of its chain (around the circuit breaker, so an open breaker's
/// fast failures count as errors). An error is a result with an error, or an exception.
/// </summary>
internal sealed class TrafficProxy(IProxy inner, TrafficMeter meter, TimeProvider time) : IProxy
{
    public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        ValueTask<ProxyResult> pending;
        try
        {
            pending = inner.InvokeAsync(request, cancellationToken);
        }
        catch
        {
            meter.RecordCall(true, Micros(start));
            throw;
        }
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            meter.RecordCall(result.Error is not null, Micros(start));
            return new ValueTask<ProxyResult>(result);
        }
        return AwaitAsync(pending, start);
    }

    // Pooled: a backend call almost never completes synchronously, and the wrapper must not add an allocation per call.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ProxyResult> AwaitAsync(ValueTask<ProxyResult> pending, long start)
    {
        ProxyResult result;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
        catch
        {
            meter.RecordCall(true, Micros(start));
            throw;
        }
        meter.RecordCall(result.Error is not null, Micros(start));
        return result;
    }

    private long Micros(long start) => time.GetElapsedTime(start).Ticks / TimeSpan.TicksPerMicrosecond;
}
