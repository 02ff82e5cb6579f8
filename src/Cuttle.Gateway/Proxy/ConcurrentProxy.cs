using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// concurrent_calls (lura proxy/concurrent.go): N identical requests within 75% of the timeout; the first complete
/// response wins and the others are cancelled; otherwise the last answer (or error) is returned.
/// </summary>
internal sealed class ConcurrentProxy(IProxy inner, int calls, TimeSpan timeout, TimeProvider? time = null) : IProxy
{
    private readonly TimeSpan _timeout = timeout * 0.75;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Not a PooledTimeout: the calls that lose the race still hold the token after this method returns.
        using var timer = cts.CancelAfterOn(_timeout, _time);
        var pending = new List<Task<ProxyResult>>(calls);
        for (var i = 0; i < calls; i++) pending.Add(inner.InvokeAsync(request, cts.Token).AsTask());
        ProxyResult last = default;
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            last = await done.ConfigureAwait(false);
            if (last.Error is null && last.Response is { IsComplete: true })
            {
                cts.Cancel();
                return last;
            }
        }
        return last.Response is null && last.Error is null ? ProxyResult.Fail(new ProxyError("context deadline exceeded")) : last;
    }
}
