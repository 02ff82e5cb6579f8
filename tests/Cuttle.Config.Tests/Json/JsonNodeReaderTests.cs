using System.Text;
using Cuttle.Config.Json;

namespace Cuttle.Config.Tests.Json;

public sealed class JsonNodeReaderTests
{
    [Fact]
    public void Read_NestedValues_CarryLineColumnAndPath()
    {
        var json = "{\n  \"endpoints\": [\n    {\"backend\": [{\"url_pattern\": \"/x\"}]}\n  ],\n  \"extra_config\": {\"security/cors\": {}}\n}";
        var root = JsonNodeReader.Read(Encoding.UTF8.GetBytes(json), out var error);

        Assert.Null(error);
        var url = root!["endpoints"]!.Items[0]["backend"]!.Items[0]["url_pattern"]!;
        Assert.Equal("endpoints[0].backend[0].url_pattern", url.Path);
        Assert.Equal(3, url.Line);
        Assert.Equal(34, url.Column);
        Assert.Equal("/x", url.Text);
        Assert.Equal("extra_config[\"security/cors\"]", root["extra_config"]!["security/cors"]!.Path);
    }

    [Fact]
    public void Read_ColumnsCountCharactersNotBytes()
    {
        var root = JsonNodeReader.Read(Encoding.UTF8.GetBytes("{\"name\": \"\u00e9\u00e9\", \"port\": 1}"), out _);
        Assert.Equal(24, root!["port"]!.Column);
    }

    [Fact]
    public void Read_TrailingComma_ReportsLineAndColumn()
    {
        var root = JsonNodeReader.Read(Encoding.UTF8.GetBytes("{\n  \"port\": 8080,\n}"), out var error);

        Assert.Null(root);
        Assert.NotNull(error);
        Assert.StartsWith("invalid JSON:", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
        Assert.Equal(1, error.Column);
    }

    [Fact]
    public void Read_DuplicateKey_LastOneWins()
    {
        var root = JsonNodeReader.Read(Encoding.UTF8.GetBytes("{\"port\": 1, \"port\": 2}"), out _);
        Assert.Equal("2", root!["port"]!.Text);
    }

    [Fact]
    public void ToElement_ClonesTheValueBytes()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"data\": {\"a\": [1, 2]}}");
        var root = JsonNodeReader.Read(bytes, out _);
        var element = JsonNodeReader.ToElement(bytes, root!["data"]!);
        Assert.Equal(2, element.GetProperty("a").GetArrayLength());
    }
}
