using Cuttle.Tests.Support;

namespace Cuttle.Tests.Commands;

/// <summary>krakend-cobra's check flags (-d counted, -i, -t, -l/-n/-s), on the real built CLI as a child process.</summary>
public sealed class CheckFlagsTests : IDisposable
{
    private const string Valid = """
        {
          "version": 3, "name": "flags",
          "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/b", "host": ["http://127.0.0.1:19"]}]}]
        }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-check-flags-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private Task<(int Code, string Out, string Err)> Cuttle(params string[] args) => CuttleCli.RunAsync(_dir, null, args);

    [Fact]
    public async Task Debug_level_one_dumps_the_global_settings_and_endpoints_like_krakend()
    {
        var path = Write("krakend.json", Valid);
        var (code, stdout, _) = await Cuttle("check", "-c", path, "-d");

        Assert.Equal(0, code);
        Assert.Contains("Global settings\n\tName: flags\n\tVersion: 3\n\tAddress: \n\tPort: 8080\n", stdout, StringComparison.Ordinal);
        Assert.Contains("1 API endpoint(s):\n\t- GET /a\n\tTimeout: 2s\n\tConnecting to 1 backend(s):\n\t\t[+] GET /b\n\t\tTimeout: 2s\n\t\tHosts: [http://127.0.0.1:19]\n", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Default timeout", stdout, StringComparison.Ordinal);
        Assert.EndsWith("Syntax OK!", stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debug_repeated_adds_the_second_and_third_levels_and_indent_sets_the_prefix()
    {
        var path = Write("krakend.json", Valid);
        var (_, two, _) = await Cuttle("check", "-c", path, "-d", "-d", "-i", "  ");
        var (_, three, _) = await Cuttle("check", "-c", path, "-ddd");

        Assert.Contains("  Default timeout: 2s\n", two, StringComparison.Ordinal);
        Assert.Contains("  No TLS section defined\n", two, StringComparison.Ordinal);
        Assert.DoesNotContain("Read timeout", two, StringComparison.Ordinal);
        Assert.Contains("\tRead timeout: 0s\n", three, StringComparison.Ordinal);
        Assert.Contains("\tDialer keep alive: 30s\n", three, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_gin_routes_refuses_routes_the_router_cannot_hold_together()
    {
        var path = Write("krakend.json", """
            { "version": 3, "endpoints": [
              {"endpoint": "/users/{id}", "backend": [{"url_pattern": "/u", "host": ["http://127.0.0.1:19"]}]},
              {"endpoint": "/users/{name}", "backend": [{"url_pattern": "/u", "host": ["http://127.0.0.1:19"]}]} ] }
            """);

        var (plain, _, _) = await Cuttle("check", "-c", path);
        var (code, stdout, stderr) = await Cuttle("check", "-c", path, "-t");

        Assert.Equal(0, plain);
        Assert.Equal(1, code);
        Assert.Contains("ERROR testing the configuration file:\t", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Syntax OK!", stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await Cuttle("check", "-c", Write("ok.json", Valid), "--test-gin-routes")).Code);
    }

    [Fact]
    public async Task Lint_no_network_warns_like_lint_and_the_lint_flags_exclude_each_other()
    {
        var path = Write("krakend.json", "{\"version\": 3,\n \"prot\": 8080}");
        var (code, _, stderr) = await Cuttle("check", "-c", path, "-n");
        var (both, _, bothErr) = await Cuttle("check", "-c", path, "-l", "-s", "schema.json");

        Assert.Equal(0, code);
        Assert.Contains("krakend.json:2:2: warning: unknown field \"prot\"", stderr, StringComparison.Ordinal);
        Assert.Equal(2, both);
        Assert.Contains("if any flags in the group [lint lint-no-network lint-schema] are set none of the others can be; [lint lint-schema] were all set", bothErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_schema_validates_the_document_against_a_schema_file_yaml_included()
    {
        var schema = Write("schema.json", """{"type": "object", "required": ["version", "name"], "properties": {"version": {"const": 3}}}""");
        var named = Write("named.yaml", "version: 3\nname: gw\n");
        var unnamed = Write("unnamed.toml", "version = 3\n");

        var (ok, okOut, _) = await Cuttle("check", "-c", named, "-s", schema);
        var (bad, _, badErr) = await Cuttle("check", "-c", unnamed, "--lint-schema", schema);
        var (missing, _, missingErr) = await Cuttle("check", "-c", named, "-s", Path.Combine(_dir, "nope.json"));

        Assert.Equal(0, ok);
        Assert.Contains("Syntax OK!", okOut, StringComparison.Ordinal);
        Assert.Equal(1, bad);
        Assert.Contains("ERROR linting the configuration file:", badErr, StringComparison.Ordinal);
        Assert.Contains("name", badErr, StringComparison.Ordinal);
        Assert.Equal(1, missing);
        Assert.Contains("ERROR compiling the schema:", missingErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_in_yaml_and_toml_files_carry_file_line_and_column()
    {
        var yaml = Write("gw.yaml", "version: 3\nendpoints:\n  - endpoint: /a\n    timeout: 3 seconds\n    backend:\n      - url_pattern: /b\n        host: [\"http://127.0.0.1:19\"]\n");
        var toml = Write("gw.toml", "version = 3\n\n[[endpoints]]\nendpoint = \"/a\"\ntimeout = \"3 seconds\"\n\n[[endpoints.backend]]\nurl_pattern = \"/b\"\nhost = [\"http://127.0.0.1:19\"]\n");
        var broken = Write("broken.yaml", "version: 3\nendpoints:\n  - endpoint: /a\n   backend: [\n");

        var (yamlCode, _, yamlErr) = await Cuttle("check", "-c", yaml);
        var (tomlCode, _, tomlErr) = await Cuttle("check", "-c", toml);
        var (brokenCode, _, brokenErr) = await Cuttle("check", "-c", broken);

        Assert.Equal((1, 1, 1), (yamlCode, tomlCode, brokenCode));
        Assert.Contains($"{yaml}:4:14: error: invalid duration \"3 seconds\"", yamlErr, StringComparison.Ordinal);
        Assert.Contains($"{toml}:5:11: error: invalid duration \"3 seconds\"", tomlErr, StringComparison.Ordinal);
        Assert.Matches($"{System.Text.RegularExpressions.Regex.Escape(broken)}:4:\\d+: error: invalid YAML: ", brokenErr);
    }
}
