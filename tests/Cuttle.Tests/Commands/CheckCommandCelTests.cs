using Cuttle.Tests.Support;

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
        return await CuttleCli.RunAsync(_dir, null, "check", "-c", path);
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
