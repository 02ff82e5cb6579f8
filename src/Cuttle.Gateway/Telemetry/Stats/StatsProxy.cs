using System.Runtime.CompilerServices;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Telemetry.Stats;

/// <summary>
/// krakend-metrics' proxy middleware ("pipe" around an endpoint's proxy stack, "backend" around one backend): times the
/// inner call and counts it under complete = (a response that is complete) and error = (an error came back). KrakenD
/// records from a goroutine after returning; here the record is two interlocked operations inline. An exception
/// (cancellation) counts as an incomplete error, as the Go proxies return one.
/// </summary>
internal sealed class StatsProxy(IProxy inner, LayerStats stats, TimeProvider time) : IProxy
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
            stats.Record(false, true, Elapsed(start));
            throw;
        }
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            Record(result, start);
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
            stats.Record(false, true, Elapsed(start));
            throw;
        }
        Record(result, start);
        return result;
    }

    private void Record(ProxyResult result, long start)
        => stats.Record(result.Response is { IsComplete: true }, result.Error is not null, Elapsed(start));

    private long Elapsed(long start) => time.GetElapsedTime(start).Ticks * 100;
}
