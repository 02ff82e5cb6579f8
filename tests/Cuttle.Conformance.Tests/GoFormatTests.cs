using System.Text.Json;
using Xunit;

namespace Cuttle.Conformance.Tests;

public sealed class GoFormatTests
{
    [Theory]
    [InlineData("content-type", "Content-Type")]
    [InlineData("x-y-Z", "X-Y-Z")]
    [InlineData("autHoriZatiOn", "Authorization")]
    [InlineData("bad header", "bad header")]
    public void CanonicalHeaderKey_MatchesGoTextproto(string key, string expected) =>
        Assert.Equal(expected, GoHeaderKey.Canonical(key));

    [Theory]
    [InlineData(42d, "42")]
    [InlineData(0.5, "0.5")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(-3.25, "-3.25")]
    public void FormatFloat_MatchesGoEncodingJson(double value, string expected) =>
        Assert.Equal(expected, GoJson.FormatFloat(value));

    [Fact]
    public void MarshalElement_SortsKeysAndReformatsNumbersLikeGoMarshalOfInterface()
    {
        using var doc = JsonDocument.Parse("{\"b\":1.0,\"a\":\"<x>\",\"c\":[true,null]}");

        Assert.Equal("{\"a\":\"\\u003cx\\u003e\",\"b\":1,\"c\":[true,null]}", GoJson.MarshalElement(doc.RootElement));
    }

    [Fact]
    public void ParseQuery_DropsSemicolonPairsAndDecodesPlus()
    {
        var q = GoUrl.ParseQuery("a=1+2&b=%zz&c;d=1&&e");

        Assert.Equal(["1 2"], q["a"]);
        Assert.Equal([string.Empty], q["e"]);
        Assert.False(q.ContainsKey("b"));
        Assert.Equal(2, q.Count);
    }

    [Fact]
    public void FixturePorts_RewritesGatewayAndBackendAddressesAndThePortField()
    {
        var text = "{\"port\": 8080, \"host\":[\"http://127.0.0.1:8081\"], \"u\":\"http://localhost:8080/x\"}";

        Assert.Equal(
            "{\"port\": 5000, \"host\":[\"http://127.0.0.1:6000\"], \"u\":\"http://localhost:5000/x\"}",
            FixturePorts.Rewrite(text, 5000, 6000));
    }
}
