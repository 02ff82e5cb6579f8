using System.Text;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.Formats;
using Cuttle.Config.Json;

namespace Cuttle.Config.Tests.Formats;

public sealed class TomlNodeReaderTests
{
    private static JsonNode? Read(string toml, out JsonSyntaxError? error) => TomlNodeReader.Read(Encoding.UTF8.GetBytes(toml), out error);

    private const string Sample = """
        version = 3
        name = "gw"

        [[endpoints]]
        endpoint = "/a"

        [[endpoints.backend]]
        url_pattern = "/x"
        host = ["http://h1", 'http://h2']

        [[endpoints]]
        endpoint = "/b"
        extra_config = { proxy = { sequential = true } }

        [[endpoints.backend]]
        url_pattern = "/y"

        [extra_config."security/cors"]
        allow_origins = ["*"]
        max_age = "12h"
        """;

    [Fact]
    public void Read_TablesAndArraysOfTables_NestAsTomlDefines()
    {
        var root = Read(Sample, out var error);

        Assert.Null(error);
        Assert.Equal(2, root!["endpoints"]!.Items.Length);
        var url = root["endpoints"]!.Items[1]["backend"]!.Items[0]["url_pattern"]!;
        Assert.Equal(("endpoints[1].backend[0].url_pattern", 16, 15, "/y"), (url.Path, url.Line, url.Column, url.Text));
        Assert.Equal(JsonNodeKind.True, root["endpoints"]!.Items[1]["extra_config"]!["proxy"]!["sequential"]!.Kind);
        Assert.Equal("http://h2", root["endpoints"]!.Items[0]["backend"]!.Items[0]["host"]!.Items[1].Text);
        Assert.Equal("12h", root["extra_config"]!["security/cors"]!["max_age"]!.Text);
    }

    [Fact]
    public void Read_DuplicateKey_IsAnError()
    {
        Assert.Null(Read("a = 1\nb = 2\na = 3\n", out var error));
        Assert.Contains("\"a\"", error!.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Read_SyntaxError_HasLineAndColumn()
    {
        Assert.Null(Read("version = 3\nname = \"x\nport = 1\n", out var error));
        Assert.StartsWith("invalid TOML: ", error!.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Loader_BindErrorsPointIntoTheTomlFile()
    {
        var toml = "version = 3\n\n[[endpoints]]\nendpoint = \"/a\"\ntimeout = \"3 seconds\"\n\n[[endpoints.backend]]\nurl_pattern = \"/b\"\nhost = [\"http://127.0.0.1:19\"]\n";
        var result = ConfigLoader.Parse(Encoding.UTF8.GetBytes(toml), "krakend.toml", new ConfigLoadOptions { Environment = new Dictionary<string, string>() });

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(("krakend.toml", 5, 11, "endpoints[0].timeout"), (error.Location.File, error.Location.Line, error.Location.Column, error.Location.JsonPath));
    }

    [Fact]
    public void Loader_TomlConfig_BindsLikeTheJsonOne()
    {
        var options = new ConfigLoadOptions { Environment = new Dictionary<string, string>() };
        var config = ConfigLoader.Parse(Encoding.UTF8.GetBytes(Sample), "krakend.toml", options).Config!;

        Assert.Equal("gw", config.Name);
        Assert.Equal(["/a", "/b"], config.Endpoints.Select(e => e.Endpoint));
        Assert.True(config.Endpoints[1].Proxy.Sequential);
        Assert.NotNull(config.Cors);
    }
}
