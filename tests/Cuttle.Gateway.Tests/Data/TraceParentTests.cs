using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Tests.Data;

public sealed class TraceParentTests
{
    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true)]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", false)]
    public void A_valid_traceparent_round_trips(string value, bool sampled)
    {
        Assert.True(TraceParent.TryParse(value, out var parent));
        Assert.Equal(sampled, parent.Sampled);
        Assert.Equal(value, parent.ToString());
    }

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")] // version 00 is exactly 55 long
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // version ff is invalid
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")] // all-zero span id
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")] // upper-case hex
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0")]
    [InlineData("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")] // a later version continues only after a '-'
    [InlineData("")]
    public void An_invalid_traceparent_is_refused(string value) => Assert.False(TraceParent.TryParse(value, out _));

    [Fact]
    public void A_later_version_is_read_as_its_version_00_part()
    {
        Assert.True(TraceParent.TryParse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future", out var parent));
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", parent.ToString());
    }
}
