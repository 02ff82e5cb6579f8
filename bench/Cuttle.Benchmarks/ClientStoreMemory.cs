using Cuttle.Gateway.Qos;

namespace Cuttle.Benchmarks;

/// <summary>
/// The memory one client costs in qos/ratelimit/router's per-client store: N distinct IPv4-shaped keys (the ip
/// strategy's), the default 2048 shards, measured as the managed heap after a full collection, the keys included.
/// <c>dotnet run -c Release --project bench/Cuttle.Benchmarks -- client-store [N]</c>.
/// </summary>
internal static class ClientStoreMemory
{
    public static void Print(int clients)
    {
        var settings = new ClientLimiterStore.Settings(Rate: 10, Capacity: 10, Ttl: TimeSpan.FromMinutes(10), Shards: 2048,
            CleanupPeriod: TimeSpan.FromMinutes(1));
        var before = Heap();
        var store = new ClientLimiterStore(settings, TimeProvider.System);
        var empty = Heap();
        for (var i = 0; i < clients; i++)
            store.TryTake($"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}");
        var full = Heap();
        Console.WriteLine($"client store: {clients} clients, empty store {empty - before} bytes, {full - empty} bytes for the clients: "
            + $"{(double)(full - empty) / clients:F1} bytes/client (key string included; count {store.Count})");
        GC.KeepAlive(store);
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
