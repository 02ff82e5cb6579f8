using System.Globalization;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Commands;

/// <summary>YAML and TOML configurations through the real CLI: <c>run --watch</c> reloads, Flexible Configuration renders.</summary>
public sealed class ConfigFormatsCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-formats-").FullName;
    private FakeBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await FakeBackend.StartAsync(async ctx => await ctx.Response.WriteAsync($$"""{"path":"{{ctx.Request.Path}}"}"""));

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Yaml(string tag) => $"""
        version: 3
        endpoints:
          - endpoint: /api
            backend:
              - host: ["{_backend.Url}"]
                url_pattern: /{tag}
        """;

    [Fact]
    public async Task Run_watch_reloads_an_edited_yaml_file()
    {
        var path = Path.Combine(_dir, "krakend.yaml");
        await File.WriteAllTextAsync(path, Yaml("first"));
        var port = TestPorts.Closed();
        await using var process = CuttleProcess.Start(_dir, "run", "-c", path, "-p", port.ToString(CultureInfo.InvariantCulture), "--watch");
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/api", "/first", TimeSpan.FromSeconds(20)), process.Output);

        var tmp = path + ".swp";
        await File.WriteAllTextAsync(tmp, Yaml("second"));
        File.Move(tmp, path, overwrite: true);
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/api", "/second", TimeSpan.FromSeconds(10)), process.Output);

        // A broken edit is refused with its position and the live configuration keeps serving.
        await File.WriteAllTextAsync(path, Yaml("third").Replace("url_pattern: /third", "url_pattern: [/third", StringComparison.Ordinal));
        for (var i = 0; i < 200 && !process.Output.Contains("krakend.yaml:", StringComparison.Ordinal); i++) await Task.Delay(50);
        Assert.Matches(@"krakend\.yaml:\d+:\d+: error: invalid YAML", process.Output);
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/api", "/second", TimeSpan.FromSeconds(5)), process.Output);
    }

    [Fact]
    public async Task Flexible_configuration_renders_a_yaml_template_and_parses_it_as_yaml()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "settings"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "settings", "service.json"), """{"name": "from-settings", "endpoints": ["/a", "/b"]}""");
        var template = Path.Combine(_dir, "krakend.yaml");
        await File.WriteAllTextAsync(template, """
            version: 3
            name: {{ .service.name }}
            endpoints:
            {{- range .service.endpoints }}
              - endpoint: {{ . }}
                backend:
                  - url_pattern: /x
                    host: ["http://127.0.0.1:19"]
            {{- end }}
            """);
        var env = new Dictionary<string, string> { ["FC_ENABLE"] = "1", ["FC_SETTINGS"] = Path.Combine(_dir, "settings") };

        var (code, stdout, stderr) = await CuttleCli.RunAsync(_dir, env, "check", "-c", template, "-d");
        var (withOut, _, withOutErr) = await CuttleCli.RunAsync(_dir, new Dictionary<string, string>(env) { ["FC_OUT"] = Path.Combine(_dir, "out.yaml") }, "check", "-c", template);

        Assert.Equal(0, code);
        Assert.Contains("\tName: from-settings\n", stdout, StringComparison.Ordinal);
        Assert.Contains("\t- GET /b\n", stdout, StringComparison.Ordinal);
        Assert.Contains("FC_OUT is not set: KrakenD parses the rendered output as JSON", stderr, StringComparison.Ordinal);
        Assert.Equal(0, withOut);
        Assert.DoesNotContain("FC_OUT is not set", withOutErr, StringComparison.Ordinal);
        Assert.Contains("- endpoint: /a", await File.ReadAllTextAsync(Path.Combine(_dir, "out.yaml")), StringComparison.Ordinal);
    }
}
