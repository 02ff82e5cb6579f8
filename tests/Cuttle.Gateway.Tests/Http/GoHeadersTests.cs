using Cuttle.Gateway.Http;

namespace Cuttle.Gateway.Tests.Http;

public sealed class GoHeadersTests
{
    [Theory]
    [InlineData("x-y-z", "X-Y-Z")]
    [InlineData("autHoriZatiOn", "Authorization")]
    [InlineData("Content-Type", "Content-Type")]
    [InlineData("x-forwarded-for", "X-Forwarded-For")]
    [InlineData("with space", "with space")]
    public void Canonicalises_like_textproto(string input, string expected) => Assert.Equal(expected, GoHeaders.Canonical(input));
}
