using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Cuttle.Benchmarks;

// dotnet run -c Release --project bench/Cuttle.Benchmarks -- --filter '*'             (full)
// dotnet run -c Release --project bench/Cuttle.Benchmarks -- --filter '*' --job short  (quick)
// dotnet run -c Release --project bench/Cuttle.Benchmarks -- check                     (run each step once, print it, and
//                                                                                    the bytes each sub-step allocates)
// dotnet run -c Release --project bench/Cuttle.Benchmarks -- client-store [N]          (bytes per client of the
//                                                                                    rate limit's per-client store)
// dotnet run -c Release --project bench/Cuttle.Benchmarks -- lua-state [N]             (µs and bytes per request of a
//                                                                                    Lua state: fresh, reset, reused)
if (args is ["check"])
{
    var b = new ResponseStepBenchmarks { BodyBytes = 1024 };
    b.Setup();
    Console.WriteLine($"filter: {b.Filter()} bytes: {b.LastOutput()}");
    Console.WriteLine($"merge: {await b.Merge()} bytes: {b.LastOutput()[..Math.Min(300, b.LastOutput().Length)]}...");
    AllocationBreakdown.Print(1024);
    AllocationBreakdown.Print(100 * 1024);
    return;
}
if (args is ["lua-state", ..])
{
    LuaStateCost.Print(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000);
    return;
}
if (args is ["client-store", ..])
{
    ClientStoreMemory.Print(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    return;
}
// Artifacts go under bin/ (git-ignored) instead of the current directory, unless --artifacts says otherwise.
var config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
