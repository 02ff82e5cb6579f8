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

    [Theory]
    // Each row is what Go's strconv.ParseInt(s, 0, 64) returns for the same input.
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("+7", 7L)]
    [InlineData("-7", -7L)]
    [InlineData("0x1F", 31L)]
    [InlineData("0X1f", 31L)]
    [InlineData("017", 15L)]
    [InlineData("0o17", 15L)]
    [InlineData("0b101", 5L)]
    [InlineData("1_000", 1000L)]
    [InlineData("0x_1F", 31L)]
    [InlineData("0_17", 15L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void TryParseInt_AcceptsWhatGoAccepts(string text, long expected)
    {
        Assert.True(GoStrconv.TryParseInt(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("0x")]
    [InlineData("08")]
    [InlineData("0b2")]
    [InlineData("1.5")]
    [InlineData("_1")]
    [InlineData("1_")]
    [InlineData("1__0")]
    [InlineData("01_")]
    [InlineData("0_")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("99999999999999999999999")]
    public void TryParseInt_RefusesWhatGoRefuses(string text) => Assert.False(GoStrconv.TryParseInt(text, out _));
}
