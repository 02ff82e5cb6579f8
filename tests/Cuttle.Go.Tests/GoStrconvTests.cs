namespace Cuttle.Go.Tests;

public sealed class GoStrconvTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("caf\u00e9 \u65e5", "\"caf\u00e9 \u65e5\"")]
    [InlineData("q\"b\\", "\"q\\\"b\\\\\"")]
    // Expected strings are Go's strconv.Quote output for the same input.
    [InlineData("\a\b\f\n\r\t\v", "\"\\a\\b\\f\\n\\r\\t\\v\"")]
    [InlineData("\u0001\u001f\u007f", "\"\\x01\\x1f\\x7f\"")]
    [InlineData("\u0085\u009f", "\"\\u0085\\u009f\"")]
    public void Quote_IsGoStrconvQuote(string text, string expected) => Assert.Equal(expected, GoStrconv.Quote(text));
}
