namespace Cuttle.Go.Tests;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("3s", 3_000_000_0L)]
    [InlineData("150ms", 1_500_000L)]
    [InlineData("1m30s", 900_000_000L)]
    [InlineData("150us", 1_500L)]
    [InlineData("150\u00b5s", 1_500L)]
    [InlineData("150\u03bcs", 1_500L)]
    [InlineData("1h", 36_000_000_000L)]
    [InlineData("1.5h", 54_000_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("-2s", -20_000_000L)]
    [InlineData("2h45m", 99_000_000_000L)]
    [InlineData("1000ns", 10L)]
    // The watcher's cases ("500ms", "1.5s", "1m30s").
    [InlineData("500ms", 5_000_000L)]
    [InlineData("1.5s", 15_000_000L)]
    // Expected values below are Go's (time.ParseDuration run on the same text). A sign, '+' or on a zero: the
    // watcher's parser refused any sign.
    [InlineData("+1s", 10_000_000L)]
    [InlineData("-0", 0L)]
    [InlineData("+0", 0L)]
    [InlineData("-150ns", -1L)] // sub-tick parts truncate towards zero, as Go truncates to whole nanoseconds
    // The ends of the int64 nanosecond range: the config's parser refused the most negative one (Go allows it), the
    // watcher's (double milliseconds) was 2 ticks off at the top.
    [InlineData("-9223372036854775808ns", -92_233_720_368_547_758L)]
    [InlineData("9223372036854775807ns", 92_233_720_368_547_758L)]
    [InlineData("2562047h", 92_233_692_000_000_000L)]
    [InlineData("1.s", 10_000_000L)]
    [InlineData(".5s", 5_000_000L)]
    [InlineData("150ns", 1L)]
    public void TryParse_ValidGoDuration_ReturnsTicks(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("3 s")]
    [InlineData("s")]
    [InlineData(".s")]
    [InlineData("3sec")]
    [InlineData("1d")]
    [InlineData("-")]
    [InlineData(null)]
    [InlineData("+")]
    [InlineData("00")]
    [InlineData("1.5.5s")]
    [InlineData("1h1")]
    [InlineData("1h-1m")]
    [InlineData("1e3s")]
    // Go does not trim (the watcher's parser did).
    [InlineData(" 1s")]
    [InlineData("1s ")]
    // Out of Go's int64 nanosecond range (about 292 years): the CEL and watcher parsers took some (TimeSpan's range
    // is wider), and all three threw OverflowException on "99999999999999999999s" instead of refusing it.
    [InlineData("9223372036854775808ns")]
    [InlineData("-9223372036854775809ns")]
    [InlineData("2562048h")]
    [InlineData("99999999999999999999s")]
    [InlineData("999999999999999999999999999999999h")]
    public void TryParse_NotAGoDuration_Fails(string? text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }
}
