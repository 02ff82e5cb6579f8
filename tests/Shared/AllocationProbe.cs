namespace Cuttle.Testing;

/// <summary>
/// Bytes the whole process allocates per operation (requests hop between thread-pool threads, so a thread's own count
/// would miss most of them). Tests using it run in a collection of their own, yet whatever earlier tests left running
/// (timers, pollers, exporters) allocates by the second, not by the operation, and a slow (loaded) run would read more;
/// such noise can only add, so the least of several runs is the operations' own figure.
/// </summary>
public static class AllocationProbe
{
    public static async Task<long> LeastBytesPerOperationAsync(Func<Task> run, int operations, int runs = 5)
    {
        var least = long.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            await run();
            least = Math.Min(least, (GC.GetTotalAllocatedBytes(precise: true) - before) / operations);
        }
        return least;
    }
}
