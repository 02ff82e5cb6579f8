using System.Text;

namespace Cuttle.Go.Tests;

/// <summary>
/// The backend URL as Go's url.Parse + RequestURI put it on the wire. Expected strings are worked out from Go's
/// net/url rules (validEncoded / shouldEscape(encodePath) / unescape), not from this implementation.
/// </summary>
public sealed class GoUrlTests
{
    [Theory]
    [InlineData("http://h:1/a/b?x=1&y=%zz")] // Go never checks the query's escapes
    [InlineData("http://h:1/it's(x)!*[]$&+,;=:@~")] // validEncoded: the raw path is kept (RawPath)
    [InlineData("http://h:1/a%2Fb%20c")] // valid escapes are kept as written
    [InlineData("http://h:1/a?q=\"<>{}|\\^`")] // visible ASCII in a query goes out as is, like Go's RawQuery
    [InlineData("http://h:1")]
    public void AlreadyInWireForm_IsReturnedAsTheSameInstance(string url)
    {
        Assert.Same(url, GoUrl.ToRequestUrl(url));
    }

    [Theory]
    [InlineData("http://h:1/a b", "http://h:1/a%20b")]
    [InlineData("http://h:1/caf\u00e9/\u65e5", "http://h:1/caf%C3%A9/%E6%97%A5")]
    // Once one character needs escaping, Go escapes the decoded path afresh: sub-delims it kept before become %XX,
    // valid escapes of unreserved characters are decoded, %2F becomes a plain '/'.
    [InlineData("http://h:1/it's (x)!", "http://h:1/it%27s%20%28x%29%21")]
    [InlineData("http://h:1/a%41 b", "http://h:1/aA%20b")]
    [InlineData("http://h:1/x%2Fy z", "http://h:1/x/y%20z")]
    [InlineData("http://h:1/a{b}|\"<>\\^`", "http://h:1/a%7Bb%7D%7C%22%3C%3E%5C%5E%60")]
    [InlineData("http://h:1/a b?c d=\u00e9", "http://h:1/a%20b?c%20d=%C3%A9")] // query: deliberate difference (RFC 9112 §3.2)
    [InlineData("http://h:1/v?q=1#frag", "http://h:1/v?q=1")] // the fragment is never sent
    [InlineData("http://h:1/a#\r\n", "http://h:1/a")] // url.Parse checks control bytes only before '#'
    [InlineData("/rel ative", "/rel%20ative")]
    public void NeedsEscaping_IsRewrittenAsGoWouldSendIt(string url, string expected)
    {
        var once = GoUrl.ToRequestUrl(url);
        Assert.Equal(expected, once);
        Assert.Equal(expected, GoUrl.TryToRequestUrl(url));
        Assert.Same(once, GoUrl.ToRequestUrl(once)); // the wire form passes the send-time gate without a copy
    }

    [Theory]
    [InlineData("http://h:1/\r\nX-Injected: 1", "parse \"http://h:1/\\r\\nX-Injected: 1\": net/url: invalid control character in URL")]
    [InlineData("http://h:1/a\tb", "parse \"http://h:1/a\\tb\": net/url: invalid control character in URL")]
    [InlineData("http://h:1/a\u007fb", "parse \"http://h:1/a\\x7fb\": net/url: invalid control character in URL")]
    [InlineData("http://h:1/a\0b#x", "parse \"http://h:1/a\\x00b\": net/url: invalid control character in URL")]
    [InlineData("http://h:1/a?x=\n", "parse \"http://h:1/a?x=\\n\": net/url: invalid control character in URL")]
    [InlineData("http://h:1/a%zzb", "parse \"http://h:1/a%zzb\": invalid URL escape \"%zz\"")]
    [InlineData("http://h:1/a%4?x=1", "parse \"http://h:1/a%4?x=1\": invalid URL escape \"%4\"")]
    [InlineData("http://h:1/a#%zz", "parse \"http://h:1/a#%zz\": invalid URL escape \"%zz\"")]
    public void RefusedByUrlParse_Throws_WithGosMessage(string url, string message)
    {
        var ex = Assert.Throws<GoUrlException>(() => GoUrl.ToRequestUrl(url));
        Assert.Equal(message, ex.Message);
        Assert.DoesNotContain('\n', ex.QuotedUrl);
        Assert.Null(GoUrl.TryToRequestUrl(url));
    }

    [Theory]
    [InlineData("http://h/a", "http://h/a", "None")]
    [InlineData("http://h/a?", "http://h/a?", "Empty")] // Go's ForceQuery
    [InlineData("http://h/a?b=1", "http://h/a?b=1", "Present")]
    [InlineData("http://h/a b?", "http://h/a%20b?", "Empty")]
    [InlineData("http://h/x#y?z", "http://h/x", "None")]
    [InlineData("http://h/\r\n", "http://h/\r\n", "Invalid")] // left as is for the caller to refuse
    public void NormalizeInPlace_RewritesTheBuilder_AndReportsTheQuery(string url, string expected, string state)
    {
        var sb = new StringBuilder(url);
        Assert.Equal(state, GoUrl.NormalizeInPlace(sb).ToString());
        Assert.Equal(expected, sb.ToString());
    }

    [Fact]
    public void NormalizeInPlace_HandlesUrlsLongerThanTheStackBuffer()
    {
        var segment = new string('a', 600);
        var sb = new StringBuilder("http://h/" + segment + " x");
        Assert.Equal(GoUrl.QueryState.None, GoUrl.NormalizeInPlace(sb));
        Assert.Equal("http://h/" + segment + "%20x", sb.ToString());
    }
}
