using Cuttle.Tests.Support;

namespace Cuttle.Tests.Commands;

/// <summary><c>cuttle check</c> on a Flexible Configuration template, run as a real child process with FC_* set.</summary>
public sealed class FlexibleConfigCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-fc-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private Task<(int Code, string Out, string Err)> Cuttle(Dictionary<string, string> env, params string[] args) =>
        CuttleCli.RunAsync(_dir, env, args);

    private const string Template = """
        {
          "version": 3,
          "port": {{ .service.port }},
          "endpoints": [
            {{- range $i, $e := .service.endpoints }}{{ if $i }},{{ end }}
            {"endpoint": "{{ $e }}", "backend": [{"url_pattern": "/x", "host": ["http://backend:8080"]}]}
            {{- end }}
          ]
        }
        """;

    [Fact]
    public async Task Check_TemplateWithFcEnable_RendersWritesFcOutAndPasses()
    {
        Write("settings/service.json", """{"port": 9000, "endpoints": ["/a", "/b"]}""");
        var template = Write("krakend.tmpl", Template);
        var env = new Dictionary<string, string> { ["FC_ENABLE"] = "1", ["FC_SETTINGS"] = Path.Combine(_dir, "settings"), ["FC_OUT"] = Path.Combine(_dir, "out.json") };
        var (code, stdout, stderr) = await Cuttle(env, "check", "-c", template);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("Syntax OK", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("\"endpoint\": \"/b\"", File.ReadAllText(Path.Combine(_dir, "out.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_TemplateError_NamesTemplateLineWithoutStackTrace()
    {
        Write("settings/other.json", "{}");
        var template = Write("krakend.tmpl", Template);
        var env = new Dictionary<string, string> { ["FC_ENABLE"] = "1", ["FC_SETTINGS"] = Path.Combine(_dir, "settings") };
        var (code, stdout, stderr) = await Cuttle(env, "check", "-c", template);
        Assert.NotEqual(0, code);
        Assert.Contains("krakend.tmpl:3:", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("nil pointer evaluating .service.port", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_TemplateWithoutFcEnable_IsRefusedAsInvalidJson()
    {
        var template = Write("krakend.tmpl", Template);
        var (code, stdout, stderr) = await Cuttle(new Dictionary<string, string>(), "check", "-c", template);
        Assert.NotEqual(0, code);
        Assert.Contains("invalid JSON", stdout + stderr, StringComparison.OrdinalIgnoreCase);
    }
}
