using Microsoft.Extensions.ObjectPool;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// A timeout linked to an outer token (the client's RequestAborted, or an endpoint timeout), reused across requests:
/// creating a linked CancellationTokenSource and its timer for every request and every merge costs a few hundred bytes
/// each time. The pool is process-wide because a request usually starts on a thread-pool thread and ends on a socket
/// thread (a per-thread cache was measured to miss on almost every request); a source that actually fired cannot be
/// reset and is simply dropped.
/// </summary>
internal sealed class PooledTimeout : IDisposable
{
    private static readonly ObjectPool<PooledTimeout> s_pool =
        new DefaultObjectPool<PooledTimeout>(new Policy(), maximumRetained: 256);

    private readonly CancellationTokenSource _cts = new();
    private CancellationTokenRegistration _link;

    private PooledTimeout() { }

    public CancellationToken Token => _cts.Token;
    public bool IsCancellationRequested => _cts.IsCancellationRequested;

    public static PooledTimeout Start(TimeSpan timeout, CancellationToken outer)
    {
        var t = s_pool.Get();
        if (outer.CanBeCanceled) t._link = outer.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), t._cts);
        t._cts.CancelAfter(timeout);
        return t;
    }

    public void Dispose()
    {
        _link.Dispose();
        _link = default;
        if (_cts.TryReset()) s_pool.Return(this);
        else _cts.Dispose();
    }

    private sealed class Policy : IPooledObjectPolicy<PooledTimeout>
    {
        public PooledTimeout Create() => new();
        public bool Return(PooledTimeout obj) => true;
    }
}
