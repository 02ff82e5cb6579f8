using System.Text;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Tests.Codecs;

/// <summary>
/// Backend JSON is read as lura reads it: json.NewDecoder(body).Decode, one value, whatever follows it left unread.
/// Found by the differential harness: a 200 JSON object with bytes after it was a failed backend (500) here and a
/// success in KrakenD.
/// </summary>
public sealed class BackendDecoderTests
{
    [Theory]
    [InlineData("{\"a\":1}}}garbage")]
    [InlineData("{\"a\":1} {\"b\":2}")]
    [InlineData("  {\"a\":1}\nHTTP/1.1 200 OK\r\n")]
    public void A_complete_object_decodes_whatever_follows_it(string body)
    {
        using var scope = new RequestScope();
        var response = BackendDecoder.DecodeJsonResponse(Encoding.UTF8.GetBytes(body), scope, out var error);
        Assert.Null(error);
        Assert.Equal(1, response!.DataCount);

        var map = BackendDecoder.For("json", isCollection: false).Decode(Encoding.UTF8.GetBytes(body), scope, out error);
        Assert.Null(error);
        Assert.Equal(1, Convert.ToInt32(map!["a"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(map.ContainsKey("b"));
    }

    [Theory]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":}")]
    [InlineData("garbage{\"a\":1}")]
    public void An_incomplete_or_broken_first_value_is_still_an_error(string body)
    {
        using var scope = new RequestScope();
        Assert.Null(BackendDecoder.DecodeJsonResponse(Encoding.UTF8.GetBytes(body), scope, out var error));
        Assert.StartsWith("invalid JSON from backend", error);
    }
}
