using System.Buffers;
using System.Text;

namespace Cuttle.Go.Tests;

public sealed class GoJsonTests
{
    // Expected values are what Go's json.Marshal prints for the same string (HTML-safe encoder; Go 1.22+ writes \b
    // and \f by name).
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"")]
    [InlineData("\u0001\u001f", "\"\\u0001\\u001f\"")]
    [InlineData("<a href=\"x\">&</a>", "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\"")]
    [InlineData("\u2028\u2029", "\"\\u2028\\u2029\"")]
    [InlineData("é€😀", "\"é€😀\"")]
    [InlineData("\u007f", "\"\u007f\"")]
    public void Strings_are_quoted_as_Go_marshals_them(string value, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        GoJson.WriteString(buffer, value);
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.WrittenSpan));

        var sb = new StringBuilder("x");
        GoJson.AppendString(sb, value);
        Assert.Equal("x" + expected, sb.ToString());
    }

    // A lone surrogate cannot travel through an attribute (its metadata is UTF-8), so it gets its own case.
    [Fact]
    public void A_lone_surrogate_becomes_the_replacement_character()
    {
        var buffer = new ArrayBufferWriter<byte>();
        GoJson.WriteString(buffer, "\ud800x\udc00");
        Assert.Equal("\"\\ufffdx\\ufffd\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
