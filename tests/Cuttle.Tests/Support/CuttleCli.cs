using System.Diagnostics;

namespace Cuttle.Tests.Support;

/// <summary>One run of the built <c>cuttle</c> CLI as a child process (cuttle.dll in the test output): exit code, stdout, stderr.</summary>
internal static class CuttleCli
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cuttle.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The test runner's own KRAKEND_* and FC_* variables must not leak into the child.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("KRAKEND_", StringComparison.Ordinal) || k.StartsWith("FC_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        if (env is not null)
        {
            foreach (var (k, v) in env) psi.Environment[k] = v;
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
