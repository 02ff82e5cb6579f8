using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Cuttle.Benchmarks;

// dotnet run -c Release --project bench/Cuttle.Benchmarks -- --filter '*'             (full)
// dotnet run -c Release --project bench/Cuttle.Benchmarks -- --filter '*' --job short  (quick)
// dotnet run -c Release --project bench/Cuttle.Benchmarks -- check                     (run each step once, print it, and
//                                                                                    the bytes each sub-step allocates)
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
// Artifacts go under bin/ (git-ignored) instead of the current directory, unless --artifacts says otherwise.
var config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
