using System.Diagnostics;

namespace Cuttle.Tests.Commands;

/// <summary>`cuttle check` compiles validation/cel expressions, as `cuttle run` does (real child process).</summary>
public sealed class CheckCommandCelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-check-cel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Config(string expression) => $$$"""
        {
          "version": 3,
          "endpoints": [{
            "endpoint": "/a/{id}",
            "backend": [{"url_pattern": "/b", "host": ["http://127.0.0.1:19"],
                         "extra_config": {"validation/cel": [{"check_expr": "{{{expression}}}"}]}}]
          }]
        }
        """;

    private async Task<(int Code, string Out, string Err)> Check(string content)
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, content);
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cuttle.dll"));
        psi.ArgumentList.Add("check");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(path);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Check_ValidCelExpression_IsSyntaxOk()
    {
        var (code, stdout, _) = await Check(Config("int(req_params.Id) % 2 == 0"));
        Assert.Equal(0, code);
        Assert.Contains("Syntax OK!", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_CelSyntaxError_NamesTheBackendThePositionAndExitsOne()
    {
        var (code, _, stderr) = await Check(Config("req_params.Id = 1"));
        Assert.Equal(1, code);
        Assert.Contains("endpoint GET /a/{id}, backend /b: invalid validation/cel check_expr", stderr, StringComparison.Ordinal);
        Assert.Contains("krakend.json:6:", stderr, StringComparison.Ordinal);
        Assert.Contains("column 15: unexpected '=' (did you mean '=='?)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
