using System.Buffers;
using System.Text;
using System.Text.Json;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Tests.Codecs;

public sealed class GoJsonWriterTests
{
    private static string Write(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        GoJsonWriter.Write(buffer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Roundtrip(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Write(doc.RootElement);
    }

    [Fact]
    public void Object_keys_are_sorted_at_every_level_like_go_maps() =>
        Assert.Equal("""{"a":{"x":1,"y":2},"b":[{"c":3,"d":4}]}""", Roundtrip("""{"b":[{"d":4,"c":3}],"a":{"y":2,"x":1}}"""));

    [Fact]
    public void Numbers_are_written_verbatim_as_json_Number_does() =>
        Assert.Equal("""{"big":123456789012345678901234567890,"exp":1e+10,"f":1.50}""", Roundtrip("""{"f":1.50,"exp":1e+10,"big":123456789012345678901234567890}"""));

    [Fact]
    public void Html_characters_and_line_separators_are_escaped()
    {
        Assert.Equal("\"\\u003ca\\u003e \\u0026 \\u2028\"", Write("<a> & \u2028"));
        Assert.Equal("\"\\u003cb\\u003e\"", Roundtrip("\"<b>\""));
    }

    [Fact]
    public void Non_ascii_stays_utf8_and_escapes_are_normalised()
    {
        Assert.Equal("\"café ✓\"", Roundtrip("\"caf\\u00e9 \\u2713\""));
        Assert.Equal("\"tab\\there\\nnl \\\"q\\\" \\\\\"", Write("tab\there\nnl \"q\" \\"));
        Assert.Equal("\"\\u0001\\b\\f\"", Write("\u0001\b\f"));
    }

    [Fact]
    public void Lone_surrogates_become_the_replacement_character() => Assert.Equal("\"\\ufffd\"", Write("\ud800"));

    [Fact]
    public void Mutable_maps_and_lists_mix_with_json_elements()
    {
        using var doc = JsonDocument.Parse("""{"z":true}""");
        var map = DataTree.NewMap();
        map["b"] = new List<object?> { 1, "two", null, new RawNumber("3.0") };
        map["a"] = doc.RootElement;
        Assert.Equal("""{"a":{"z":true},"b":[1,"two",null,3.0]}""", Write(map));
    }

    [Fact]
    public void Empty_containers() => Assert.Equal("""{"a":{},"b":[]}""", Roundtrip("""{"b":[],"a":{}}"""));
}
