using Cuttle.Config.Diagnostics;

namespace Cuttle.Config.Tests.FlexibleConfig;

/// <summary>ConfigLoader with FC_ENABLE: render, then parse the rendered JSON.</summary>
public sealed class FlexibleConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-fc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private const string Template = """
        {
          "version": 3,
          "port": {{ .service.port }},
          "extra_config": {{ marshal .service.extra_config }},
          "endpoints": [
            {{- range $i, $e := .endpoints.list }}{{ if $i }},{{ end }}
            {{ template "endpoint.tmpl" $e }}
            {{- end }}
          ]
        }
        """;

    private Dictionary<string, string> Setup()
    {
        Write("settings/service.json", """{"port": 9090, "extra_config": {"router": {"return_error_msg": true}}}""");
        Write("settings/endpoints.json", """{"list": [{"path": "/a", "host": "http://backend-a:8080"}, {"path": "/b", "host": "http://backend-b:8080"}]}""");
        Write("templates/endpoint.tmpl", """{"endpoint": "{{ .path }}", "backend": [{"url_pattern": "/x", "host": ["{{ .host }}"], {{ include "backend_extra.json" }}}]}""");
        Write("partials/backend_extra.json", "\"extra_config\": {}");
        return new Dictionary<string, string>
        {
            ["FC_ENABLE"] = "1",
            ["FC_SETTINGS"] = Path.Combine(_dir, "settings"),
            ["FC_TEMPLATES"] = Path.Combine(_dir, "templates"),
            ["FC_PARTIALS"] = Path.Combine(_dir, "partials"),
        };
    }

    [Fact]
    public void Load_WithFcEnable_RendersSettingsTemplatesAndPartials()
    {
        var env = Setup();
        var path = Write("krakend.tmpl", Template);
        var result = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = env });
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        var config = result.Config!;
        Assert.Equal(9090, config.Port);
        Assert.Equal(["/a", "/b"], config.Endpoints.Select(e => e.Endpoint));
        Assert.Equal("http://backend-b:8080", config.Endpoints[1].Backend[0].Host[0]);
        Assert.Contains(Path.Combine(_dir, "settings", "service.json"), config.ReferencedFiles);
        Assert.Contains(Path.Combine(_dir, "templates", "endpoint.tmpl"), config.ReferencedFiles);
        Assert.Contains(Path.Combine(_dir, "partials", "backend_extra.json"), config.ReferencedFiles);
    }

    [Fact]
    public void Load_SettingsChange_ChangesContentHash()
    {
        var env = Setup();
        var path = Write("krakend.tmpl", Template);
        var before = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = env }).Config!.ContentHash;
        Write("settings/endpoints.json", """{"list": [{"path": "/a", "host": "http://backend-a:8080"}]}""");
        var after = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = env }).Config!;
        Assert.Single(after.Endpoints);
        Assert.NotEqual(before, after.ContentHash);
    }

    [Fact]
    public void Load_FcOut_WritesTheRenderedFileAndDiagnosticsPointIntoIt()
    {
        var env = Setup();
        env["FC_OUT"] = Path.Combine(_dir, "out.json");
        var path = Write("krakend.tmpl", Template.Replace("\"version\": 3,", "\"version\": 3, \"timeout\": \"3 seconds\",", StringComparison.Ordinal));
        var result = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = env });
        Assert.False(result.Success);
        Assert.True(File.Exists(env["FC_OUT"]));
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(env["FC_OUT"], error.Location.File);
        Assert.Contains("rendered from template", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TemplateError_ReportsTemplateFileLineAndColumn()
    {
        var env = Setup();
        var path = Write("krakend.tmpl", "{\n  \"version\": 3,\n  \"port\": {{ .service.nope.port }}\n}");
        var result = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = env });
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(path, error.Location.File);
        Assert.Equal(3, error.Location.Line);
        Assert.Contains("nil pointer evaluating", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadSettingsJson_NamesTheSettingsFile()
    {
        var env = Setup();
        Write("settings/broken.json", "{ \"a\": ");
        var path = Write("krakend.tmpl", Template);
        var result = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = env });
        var error = Assert.Single(result.Diagnostics);
        Assert.Contains("loading flexible-config settings", error.Message, StringComparison.Ordinal);
        Assert.Contains("broken.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingPartial_InsertsNothingAsKrakendButWarns()
    {
        var env = Setup();
        var path = Write("krakend.tmpl", "{\"version\": 3 {{ include \"nope.json\" }} }");
        var result = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = env });
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("partial \"nope.json\" not found", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WithoutFcEnable_TreatsTheFileAsPlainJson()
    {
        var path = Write("krakend.json", "{\"version\": 3, \"port\": {{ .service.port }} }");
        var result = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = new Dictionary<string, string>() });
        Assert.False(result.Success);
    }
}
