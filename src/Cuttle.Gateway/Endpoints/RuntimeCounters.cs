namespace Cuttle.Gateway.Endpoints;

/// <summary>
/// Process-wide counters for whoever measures the gateway from outside, read when /__health is answered (debug mode):
/// bench/run divides the allocated-bytes delta by the requests it sent; the reload bench watches the heap for growth
/// across generations.
/// </summary>
internal static class RuntimeCounters
{
    public static Dictionary<string, object?> Read() => new(StringComparer.Ordinal)
    {
        ["allocated_bytes"] = GC.GetTotalAllocatedBytes(precise: false),
        ["heap_bytes"] = GC.GetTotalMemory(forceFullCollection: false),
        ["gen0_collections"] = GC.CollectionCount(0),
        ["gen1_collections"] = GC.CollectionCount(1),
        ["gen2_collections"] = GC.CollectionCount(2),
    };
}
