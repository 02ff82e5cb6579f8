using Cuttle.Config.Binding;

namespace Cuttle.Config.Tests.Binding;

public sealed class HeaderKeyTests
{
    [Theory]
    [InlineData("x-y-z", "X-Y-Z")]
    [InlineData("content-TYPE", "Content-Type")]
    [InlineData("authorization", "Authorization")]
    [InlineData("*", "*")]
    [InlineData("bad header", "bad header")]
    public void Canonicalize_MatchesGoTextproto(string key, string expected)
    {
        Assert.Equal(expected, HeaderKey.Canonicalize(key));
    }
}
