using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Cuttle.Benchmarks -- --filter '*'            (full)
// dotnet run -c Release --project bench/Cuttle.Benchmarks -- --filter '*' --job short (quick)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
