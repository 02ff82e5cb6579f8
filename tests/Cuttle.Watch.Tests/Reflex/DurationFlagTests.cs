using Cuttle.Watch.Reflex;

namespace Cuttle.Watch.Tests.Reflex;

public sealed class DurationFlagTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("0", 0)]
    [InlineData("+2s", 2000)] // Go's time.ParseDuration takes a '+' sign
    [InlineData("-0", 0)] // and a signed zero, which is not negative
    public void Parse_ReadsGoSyntax(string text, int ms) => Assert.Equal(TimeSpan.FromMilliseconds(ms), DurationFlag.Parse(text, "-t"));

    [Theory]
    [InlineData("500")]
    [InlineData("fast")]
    [InlineData("")]
    [InlineData("-1s")] // Go would take it; a negative wait means nothing to the watcher
    [InlineData(" 500ms")] // Go does not trim
    [InlineData("999999999999999999999999999h")] // out of Go's range: refused, not an OverflowException
    public void Parse_RejectsWithAClearMessage(string text) =>
        Assert.Contains("-t: invalid duration", Assert.Throws<WatchException>(() => DurationFlag.Parse(text, "-t")).Message);
}
