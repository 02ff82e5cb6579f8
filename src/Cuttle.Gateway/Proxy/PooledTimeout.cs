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

    private readonly CancellationTokenSource _cts;
    private readonly bool _pooled;
    private CancellationTokenRegistration _link;

    private PooledTimeout() : this(new CancellationTokenSource(), pooled: true) { }

    private PooledTimeout(CancellationTokenSource cts, bool pooled)
    {
        _cts = cts;
        _pooled = pooled;
    }

    public CancellationToken Token => _cts.Token;
    public bool IsCancellationRequested => _cts.IsCancellationRequested;

    public static PooledTimeout Start(TimeSpan timeout, CancellationToken outer)
    {
        var t = s_pool.Get();
        if (outer.CanBeCanceled) t._link = outer.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), t._cts);
        t._cts.CancelAfter(timeout);
        return t;
    }

    /// <summary>
    /// As <see cref="Start(TimeSpan, CancellationToken)"/>, on <paramref name="time"/>'s clock. The system clock takes the
    /// pooled path; another clock (a test's) gets a source of its own on that clock's timer, never pooled.
    /// </summary>
    public static PooledTimeout Start(TimeSpan timeout, CancellationToken outer, TimeProvider time)
    {
        if (ReferenceEquals(time, TimeProvider.System)) return Start(timeout, outer);
        var t = new PooledTimeout(new CancellationTokenSource(timeout, time), pooled: false);
        if (outer.CanBeCanceled) t._link = outer.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), t._cts);
        return t;
    }

    public void Dispose()
    {
        _link.Dispose();
        _link = default;
        if (_pooled && _cts.TryReset()) s_pool.Return(this);
        else _cts.Dispose();
    }

    private sealed class Policy : IPooledObjectPolicy<PooledTimeout>
    {
        public PooledTimeout Create() => new();
        public bool Return(PooledTimeout obj) => true;
    }
}
