using System.Text;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.Formats;
using Cuttle.Config.Json;

namespace Cuttle.Config.Tests.Formats;

public sealed class YamlNodeReaderTests
{
    private static JsonNode? Read(string yaml, out JsonSyntaxError? error) => YamlNodeReader.Read(Encoding.UTF8.GetBytes(yaml), out error);

    [Fact]
    public void Read_NestedValues_CarryLineColumnAndPath()
    {
        var root = Read("version: 3\nendpoints:\n  - endpoint: /a\n    backend:\n      - url_pattern: \"/x\"\nextra_config:\n  security/cors: {}\n", out var error);

        Assert.Null(error);
        var url = root!["endpoints"]!.Items[0]["backend"]!.Items[0]["url_pattern"]!;
        Assert.Equal(("endpoints[0].backend[0].url_pattern", 5, 22, "/x"), (url.Path, url.Line, url.Column, url.Text));
        Assert.Equal("extra_config[\"security/cors\"]", root["extra_config"]!["security/cors"]!.Path);
        Assert.Equal(JsonNodeKind.Number, root["version"]!.Kind);
    }

    [Theory]
    [InlineData("v: true", "True", null)]
    [InlineData("v: False", "False", null)]
    [InlineData("v: ~", "Null", null)]
    [InlineData("v:", "Null", null)]
    [InlineData("v: 0x1F", "Number", "31")]
    [InlineData("v: 0o17", "Number", "15")]
    [InlineData("v: 1_000", "Number", "1000")]
    [InlineData("v: 1.5e3", "Number", "1500")]
    [InlineData("v: yes", "String", "yes")] // yaml.v3 is YAML 1.2: "yes" is a string
    [InlineData("v: \"3\"", "String", "3")]
    [InlineData("v: !!str 3", "String", "3")]
    [InlineData("v: 3s", "String", "3s")]
    public void Read_Scalars_ResolveAsGoYamlV3(string yaml, string kind, string? text)
    {
        var v = Read(yaml, out var error)!["v"]!;
        Assert.Null(error);
        Assert.Equal(kind, v.Kind.ToString());
        if (text is not null)
            Assert.Equal(text, v.Text);
    }

    [Fact]
    public void Read_AnchorsAliasesAndMergeKeys()
    {
        var root = Read("base: &b\n  timeout: 1s\n  method: GET\nx:\n  <<: *b\n  method: POST\ny: *b\n", out var error);

        Assert.Null(error);
        Assert.Equal("1s", root!["x"]!["timeout"]!.Text);
        Assert.Equal("POST", root["x"]!["method"]!.Text);
        Assert.Equal("x.timeout", root["x"]!["timeout"]!.Path);
        Assert.Equal("y.method", root["y"]!["method"]!.Path);
    }

    [Fact]
    public void Read_DuplicateKey_IsAnErrorAtTheSecondKey()
    {
        Assert.Null(Read("a: 1\nb: 2\na: 3\n", out var error));
        Assert.Equal(("invalid YAML: mapping key \"a\" already defined at line 1", 3, 1), (error!.Message, error.Line, error.Column));
    }

    [Fact]
    public void Read_SyntaxError_HasLineAndColumn()
    {
        Assert.Null(Read("version: 3\nendpoints:\n  - endpoint: /a\n   bad: [1, 2\n", out var error));
        Assert.StartsWith("invalid YAML: ", error!.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 4, error.ToString());
        Assert.DoesNotContain("(Line:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyFile_IsAnError()
    {
        Assert.Null(Read("", out var error));
        Assert.Contains("empty", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loader_BindErrorsPointIntoTheYamlFile()
    {
        var yaml = "version: 3\nendpoints:\n  - endpoint: /a\n    timeout: 3 seconds\n    backend:\n      - url_pattern: /b\n        host: [\"http://127.0.0.1:19\"]\n";
        var result = ConfigLoader.Parse(Encoding.UTF8.GetBytes(yaml), "krakend.yaml", new ConfigLoadOptions { Environment = new Dictionary<string, string>() });

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(("krakend.yaml", 4, 14, "endpoints[0].timeout"), (error.Location.File, error.Location.Line, error.Location.Column, error.Location.JsonPath));
    }

    [Fact]
    public void Loader_ExtraConfigFromYaml_IsTheSameJsonAsFromJson()
    {
        var json = """{"version":3,"extra_config":{"router":{"return_error_msg":true,"x":[1,2.5,"s",null,{"k":false}]}}}""";
        var yaml = "version: 3\nextra_config:\n  router:\n    return_error_msg: true\n    x: [1, 2.5, s, null, {k: false}]\n";
        var options = new ConfigLoadOptions { Environment = new Dictionary<string, string>() };
        var fromJson = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json", options).Config!;
        var fromYaml = ConfigLoader.Parse(Encoding.UTF8.GetBytes(yaml), "krakend.yml", options).Config!;

        Assert.Equal(fromJson.ExtraConfig.Namespaces["router"].GetRawText(), fromYaml.ExtraConfig.Namespaces["router"].GetRawText());
        Assert.Equal(fromJson.Router, fromYaml.Router);
    }
}
