namespace Cuttle.Gateway.Proxy;

/// <summary>
/// A timeout linked to an outer token (the client's RequestAborted, or an endpoint timeout), reused across requests:
/// creating a linked CancellationTokenSource and its timer for every request and every merge costs a few hundred bytes
/// each time. One instance is cached per thread; a source that actually fired cannot be reset and is simply dropped.
/// </summary>
internal sealed class PooledTimeout : IDisposable
{
    [ThreadStatic] private static PooledTimeout? t_cached;

    private readonly CancellationTokenSource _cts = new();
    private CancellationTokenRegistration _link;

    private PooledTimeout() { }

    public CancellationToken Token => _cts.Token;
    public bool IsCancellationRequested => _cts.IsCancellationRequested;

    public static PooledTimeout Start(TimeSpan timeout, CancellationToken outer)
    {
        var t = t_cached ?? new PooledTimeout();
        t_cached = null;
        if (outer.CanBeCanceled) t._link = outer.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), t._cts);
        t._cts.CancelAfter(timeout);
        return t;
    }

    public void Dispose()
    {
        _link.Dispose();
        _link = default;
        if (_cts.TryReset()) t_cached ??= this;
        else _cts.Dispose();
    }
}
