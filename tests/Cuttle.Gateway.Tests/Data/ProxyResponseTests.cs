using System.Text.Json;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Tests.Data;

public sealed class ProxyResponseTests
{
    [Fact]
    public void A_json_object_response_makes_its_map_on_the_first_read_of_data()
    {
        using var doc = JsonDocument.Parse("""{"a":1,"b":{"c":"x"},"a":2}""");
        var response = new ProxyResponse(doc.RootElement, isComplete: true);

        Assert.True(response.TryGetUntouchedObject(out var untouched));
        Assert.Equal(JsonValueKind.Object, untouched.ValueKind);
        Assert.Equal(3, response.DataCount); // properties as the document has them, duplicates included

        var data = response.Data;

        Assert.Same(data, response.Data);
        Assert.False(response.TryGetUntouchedObject(out _));
        Assert.Equal(2, response.DataCount); // the map keeps the last of a duplicate key, as Go's decoder does
        Assert.Equal(2, ((JsonElement)data["a"]!).GetInt32());
        Assert.Equal("x", ((JsonElement)data["b"]!).GetProperty("c").GetString());
    }

    [Fact]
    public void A_map_response_is_never_untouched()
    {
        var response = new ProxyResponse(DataTree.NewMap(), isComplete: false);

        Assert.False(response.TryGetUntouchedObject(out _));
        Assert.Equal(0, response.DataCount);
    }

    [Fact]
    public void Only_a_json_object_can_be_kept_in_its_document()
    {
        using var doc = JsonDocument.Parse("[1,2]");

        Assert.Throws<ArgumentException>(() => new ProxyResponse(doc.RootElement, isComplete: true));
    }
}
