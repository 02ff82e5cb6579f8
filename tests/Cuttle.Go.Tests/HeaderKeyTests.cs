namespace Cuttle.Go.Tests;

public sealed class HeaderKeyTests
{
    [Theory]
    [InlineData("x-y-z", "X-Y-Z")]
    [InlineData("content-TYPE", "Content-Type")]
    [InlineData("authorization", "Authorization")]
    [InlineData("*", "*")]
    [InlineData("bad header", "bad header")]
    [InlineData("autHoriZatiOn", "Authorization")]
    [InlineData("X-Forwarded-For", "X-Forwarded-For")]
    public void Canonicalize_MatchesGoTextproto(string key, string expected)
    {
        Assert.Equal(expected, HeaderKey.Canonicalize(key));
    }

    [Fact]
    public void Canonicalize_ReturnsTheSameInstanceWhenAlreadyCanonical()
    {
        const string key = "Content-Type";
        Assert.Same(key, HeaderKey.Canonicalize(key));
    }
}
