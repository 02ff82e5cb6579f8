namespace Cuttle.Gateway.Backends.Http1;

/// <summary>
/// max_idle_connections (Go's Transport.MaxIdleConns): idle keep-alive connections across every host of one transport,
/// shared by its pools. Go keeps the connection being returned and closes the one idle longest anywhere; here a pool
/// that would go over the budget closes the connection being returned instead, which bounds the idle sockets the same
/// way without a transport-wide LRU list on the return path.
/// </summary>
internal sealed class IdleBudget(int max)
{
    private int _idle;

    public int Max => max;

    /// <summary>Idle connections held by the pools right now.</summary>
    public int Idle => Volatile.Read(ref _idle);

    /// <summary>Takes a place for one more idle connection; false when the budget is spent.</summary>
    public bool TryTake()
    {
        if (Interlocked.Increment(ref _idle) <= max) return true;
        Interlocked.Decrement(ref _idle);
        return false;
    }

    /// <summary>Gives back the places of <paramref name="count"/> connections that stopped being idle (rented or closed).</summary>
    public void Give(int count = 1)
    {
        if (count > 0) Interlocked.Add(ref _idle, -count);
    }
}
