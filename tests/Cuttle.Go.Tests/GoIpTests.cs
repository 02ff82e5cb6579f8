using System.Net;

namespace Cuttle.Go.Tests;

public sealed class GoIpTests
{
    [Theory]
    [InlineData("1.2.3.4", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:1.2.3.4", true)]
    [InlineData("01.2.3.4", false)] // Go 1.17+: no leading zeros
    [InlineData("1.2.3", false)]
    [InlineData("256.1.1.1", false)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("[::1]", false)]
    [InlineData("", false)]
    [InlineData("bogus", false)]
    public void TryParse_is_net_ParseIP(string text, bool valid) => Assert.Equal(valid, GoIp.TryParse(text, out _));

    [Fact]
    public void An_ipv4_mapped_address_is_ipv4()
    {
        Assert.True(GoIp.TryParse("::ffff:10.1.2.3", out var ip));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), ip);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.200.1.1", true)]
    [InlineData("10.0.0.1/8", "10.200.1.1", true)] // host bits ignored, as ParseCIDR's network
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.0.0.1", true)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "127.0.0.2", false)]
    [InlineData("::/0", "1.2.3.4", false)] // an IPv6 network holds no IPv4 address
    [InlineData("0.0.0.0/0", "1.2.3.4", true)]
    [InlineData("2001:db8::/32", "2001:db8:1::5", true)]
    [InlineData("192.168.1.0/25", "192.168.1.127", true)]
    [InlineData("192.168.1.0/25", "192.168.1.128", false)]
    public void Networks_contain_as_go_does(string network, string address, bool contains)
    {
        Assert.True(GoIp.TryParseNetwork(network, out var n));
        Assert.Equal(contains, n.Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.0/08")]
    [InlineData("10.0.0.300")]
    [InlineData("::1/129")]
    public void Bad_networks_are_refused(string network) => Assert.False(GoIp.TryParseNetwork(network, out _));
}
