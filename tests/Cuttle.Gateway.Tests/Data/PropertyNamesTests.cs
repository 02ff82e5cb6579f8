using System.Text.Json;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Tests.Data;

public sealed class PropertyNamesTests
{
    private static JsonProperty[] Properties(string json)
    {
        using var doc = JsonDocument.Parse(json);
        // Clone so the elements outlive the document.
        return [.. doc.RootElement.Clone().EnumerateObject()];
    }

    [Fact]
    public void The_same_name_from_two_documents_is_one_shared_string()
    {
        var a = Properties("""{"shared_name_for_test":1}""")[0];
        var b = Properties("""{"other":2,"shared_name_for_test":3}""")[1];

        Assert.Equal("shared_name_for_test", PropertyNames.Of(a));
        Assert.Same(PropertyNames.Of(a), PropertyNames.Of(b));
    }

    [Fact]
    public void Escaped_non_ascii_and_long_names_decode_exactly_as_json_property_name()
    {
        var longName = new string('k', 100);
        foreach (var p in Properties($$"""{"a\"b":1,"caf\u00e9":2,"ção":3,"{{longName}}":4,"":5}"""))
            Assert.Equal(p.Name, PropertyNames.Of(p));
    }
}
