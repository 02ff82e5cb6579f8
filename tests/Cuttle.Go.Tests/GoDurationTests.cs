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
    public void TryParse_NotAGoDuration_Fails(string? text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }
}
