using Cuttle.Tests.Support;

namespace Cuttle.Tests.Commands;

/// <summary>
/// `cuttle check` compiles validation/json-schema (real child process): a schema the gateway will drop, as KrakenD
/// does, is a warning with the endpoint's position, and the configuration stays valid.
/// </summary>
public sealed class CheckCommandJsonSchemaTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-check-schema-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_schema_that_does_not_compile_is_a_warning_with_file_line_and_column()
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, """
            {
              "version": 3,
              "endpoints": [{
                "endpoint": "/v", "method": "POST",
                "extra_config": {"validation/json-schema": {"properties": {"a": {"$ref": "#/definitions/missing"}}}},
                "backend": [{"url_pattern": "/b", "host": ["http://127.0.0.1:19"]}]
              }]
            }
            """);

        var (code, stdout, stderr) = await CuttleCli.RunAsync(_dir, null, "check", "-c", path);

        Assert.Equal(0, code);
        Assert.Contains("Syntax OK!", stdout, StringComparison.Ordinal);
        Assert.Contains("1 warning(s)", stdout, StringComparison.Ordinal);
        Assert.Contains("krakend.json:3:", stderr, StringComparison.Ordinal);
        Assert.Contains(": warning: endpoint POST /v: validation/json-schema does not compile", stderr, StringComparison.Ordinal);
        Assert.Contains("#/definitions/missing", stderr, StringComparison.Ordinal);
        Assert.Contains("serves the endpoint without validation", stderr, StringComparison.Ordinal);
    }
}
