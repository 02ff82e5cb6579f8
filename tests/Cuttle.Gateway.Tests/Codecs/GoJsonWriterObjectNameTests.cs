using System.Buffers;
using System.Text;
using System.Text.Json;
using Cuttle.Gateway.Codecs;

namespace Cuttle.Gateway.Tests.Codecs;

/// <summary>
/// Object elements are rendered the way Go's encoding/json marshals a map: keys sorted bytewise, duplicates
/// collapsed, HTML-sensitive characters escaped. Covers both the raw-name fast path and the escaped-name path.
/// </summary>
public sealed class GoJsonWriterObjectNameTests
{
    private static string Render(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var output = new ArrayBufferWriter<byte>();
        GoJsonWriter.WriteElement(output, doc.RootElement);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Theory]
    [InlineData("""{"b":1,"a":2,"c":{"z":true,"y":null}}""", """{"a":2,"b":1,"c":{"y":null,"z":true}}""")]
    [InlineData("""{"B":1,"a":2,"_":3}""", """{"B":1,"_":3,"a":2}""")]
    [InlineData("""{"é":1,"z":2}""", """{"z":2,"é":1}""")]
    [InlineData("""{"only":[{"k2":1,"k1":2}]}""", """{"only":[{"k1":2,"k2":1}]}""")]
    [InlineData("{}", "{}")]
    public void WriteElement_Object_KeysSortedBytewiseLikeGo(string input, string expected)
    {
        Assert.Equal(expected, Render(input));
    }

    [Fact]
    public void WriteElement_HtmlCharacterInName_IsEscapedLikeGo()
    {
        Assert.Equal("""{"\u003ctag\u003e":1,"a":2}""", Render("""{"a":2,"<tag>":1}"""));
    }

    [Fact]
    public void WriteElement_EscapedName_IsDecodedAndSorted()
    {
        Assert.Equal("""{"A":1,"b":2}""", Render("""{"b":2,"\u0041":1}"""));
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"a":1,"b":3,"a":2}""")]
    [InlineData("""{"\u0061":1,"a":2}""")]
    public void WriteElement_DuplicateKeys_WritesOneValidMember(string input)
    {
        using var rendered = JsonDocument.Parse(Render(input));
        var names = new List<string>();
        foreach (var p in rendered.RootElement.EnumerateObject()) names.Add(p.Name);
        Assert.Single(names, "a");
    }
}
