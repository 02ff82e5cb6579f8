using System.Text;

namespace Cuttle.Go.Tests;

public sealed class HopByHopTests
{
    [Theory]
    [InlineData("Connection")]
    [InlineData("keep-alive")]
    [InlineData("PROXY-CONNECTION")]
    [InlineData("Transfer-Encoding")]
    [InlineData("te")]
    [InlineData("Trailer")]
    [InlineData("upgrade")]
    public void Is_MatchesEachNameInAnyCase_AsTextAndAsBytes(string name)
    {
        Assert.True(HopByHop.Is(name));
        Assert.True(HopByHop.Is(Encoding.ASCII.GetBytes(name)));
        Assert.Contains(HeaderKey.Canonicalize(name), HopByHop.Names);
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("Content-Length")]
    [InlineData("Trailers")]
    [InlineData("Connection ")]
    [InlineData("")]
    public void Is_LeavesEndToEndHeadersAlone(string name)
    {
        Assert.False(HopByHop.Is(name));
        Assert.False(HopByHop.Is(Encoding.ASCII.GetBytes(name)));
    }

    [Fact]
    public void Names_AreTheSevenTheGatewayDrops() => Assert.Equal(7, HopByHop.Names.Count);
}
