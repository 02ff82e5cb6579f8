using System.Net;
using System.Text;
using Xunit;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// The mock must answer byte for byte like krakend-ce's Go mock, since spec bodies embed its output. Requests here
/// are sent with only the headers KrakenD would send, so the echoes can be checked against the Go output the specs quote.
/// </summary>
public sealed class MockBackendTests : IAsyncLifetime
{
    private MockBackend _mock = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _mock = await MockBackend.StartAsync(TimeSpan.Zero);
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ActivityHeadersPropagator = null,
        });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _mock.DisposeAsync();
    }

    [Fact]
    public async Task Echo_GetWithQuery_IsGoEncoderOutputWithTrailingNewline()
    {
        using var response = await SendAsync(HttpMethod.Get, "/param_forwarding/a?b=1&b=2&c", KrakendHeaders());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            "{\"foo\":42,\"headers\":{\"Accept-Encoding\":[\"gzip\"],\"User-Agent\":[\"KrakenD Version 2.13.8\"],\"X-Forwarded-Host\":[\"localhost:8080\"]},\"path\":\"/param_forwarding/a\",\"query\":{\"b\":[\"1\",\"2\"],\"c\":[\"\"]}}\n",
            await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(["test1=test1", "test2=test2"], response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task Echo_HeaderNamesAreCanonicalisedAndHtmlCharactersEscapedLikeGo()
    {
        var headers = KrakendHeaders();
        headers.Add(new("x-y-Z", "<a&b>"));
        using var response = await SendAsync(HttpMethod.Get, "/param_forwarding/", headers);

        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"X-Y-Z\":[\"\\u003ca\\u0026b\\u003e\"]", body, StringComparison.Ordinal);
        Assert.Contains("\"query\":{}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_ChunkedPostWithDumpBody_EchoesBodyWithoutTransferEncoding()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_mock.BaseUrl}/param_forwarding/bar?dump_body=1&foo=foo")
        {
            Content = new StreamContent(new MemoryStream("{\"foo\":\"bar\"}"u8.ToArray())),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "127.0.0.1");
        using var response = await _client.SendAsync(request);

        Assert.Equal(
            "{\"body\":\"{\\\"foo\\\":\\\"bar\\\"}\",\"foo\":42,\"headers\":{},\"path\":\"/param_forwarding/bar\",\"query\":{\"dump_body\":[\"1\"],\"foo\":[\"foo\"]}}\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Echo_EmptyPost_KeepsContentLengthZeroLikeNoOpSpecExpects()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_mock.BaseUrl}/param_forwarding/");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "127.0.0.1");
        using var response = await _client.SendAsync(request);

        Assert.Contains("\"headers\":{\"Content-Length\":[\"0\"]}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("10.0.0.1")]
    [InlineData("127.0.0.1, 127.0.0.2")]
    [InlineData("127.1")]
    public async Task ForwardedForCheck_NotASingleLoopbackIp_Returns400WithGoErrorText(string? forwardedFor)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (forwardedFor is not null)
        {
            headers.Add(new("X-Forwarded-For", forwardedFor));
        }

        using var response = await SendAsync(HttpMethod.Get, "/param_forwarding/x", headers);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid X-Forwarded-For\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("127.8.9.10")]
    public async Task ForwardedForCheck_LoopbackIp_Passes(string forwardedFor)
    {
        using var response = await SendAsync(HttpMethod.Get, "/collection/1", [new("X-Forwarded-For", forwardedFor)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Collection_ReturnsTenItemsWithSortedKeys()
    {
        using var response = await SendAsync(HttpMethod.Get, "/collection/2", KrakendHeaders());

        var expected = new StringBuilder("[");
        for (var i = 0; i < 10; i++)
        {
            expected.Append(i == 0 ? string.Empty : ",").Append("{\"i\":").Append(i).Append(",\"path\":\"/collection/2\"}");
        }

        Assert.Equal(expected.Append("]\n").ToString(), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("301", "Moved Permanently")]
    [InlineData("302", "Found")]
    [InlineData("303", "See Other")]
    [InlineData("307", "Temporary Redirect")]
    public async Task Redirect_Status_RedirectsToEchoWithGoRedirectBody(string status, string text)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/redirect/?status={status}", KrakendHeaders());

        Assert.Equal(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), (int)response.StatusCode);
        Assert.Equal($"/param_forwarding/?status={status}", response.Headers.Location!.OriginalString);
        Assert.Equal($"<a href=\"/param_forwarding/?status={status}\">{text}</a>.\n\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Redirect_NonNumericStatus_Returns400WithAtoiError()
    {
        using var response = await SendAsync(HttpMethod.Get, "/redirect/?status=abc", KrakendHeaders());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("strconv.Atoi: parsing \"abc\": invalid syntax\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SubtreeWithoutTrailingSlash_Is301ToSlashPathBeforeTheForwardedForCheck()
    {
        using var response = await SendAsync(HttpMethod.Get, "/param_forwarding?x=1", []);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/param_forwarding/?x=1", response.Headers.Location!.OriginalString);
        Assert.Equal("<a href=\"/param_forwarding/?x=1\">Moved Permanently</a>.\n\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UncleanPath_Is301ToCleanPath()
    {
        using var response = await SendAsync(HttpMethod.Get, "/collection//2", []);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/collection/2", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/unknown")]
    [InlineData("/xml/")]
    [InlineData("/")]
    public async Task UnknownPath_IsGoDefault404(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path, KrakendHeaders());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Xml_ReturnsTheDocumentWithXmlContentType()
    {
        using var response = await SendAsync(HttpMethod.Get, "/xml", KrakendHeaders());

        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<user type=\"admin\">\n  <name>Elliot</name>", body, StringComparison.Ordinal);
        Assert.EndsWith("</social>\n</user>", body, StringComparison.Ordinal);
        Assert.Equal("application/xml; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task SymmetricJwk_NeedsNoForwardedFor()
    {
        using var response = await SendAsync(HttpMethod.Get, "/jwk/symmetric", []);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"kid\": \"sim2\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delayed_EchoesLikeParamForwarding()
    {
        using var response = await SendAsync(HttpMethod.Get, "/delayed/123", KrakendHeaders());

        Assert.Contains("\"path\":\"/delayed/123\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static List<KeyValuePair<string, string>> KrakendHeaders() =>
    [
        new("Accept-Encoding", "gzip"),
        new("User-Agent", "KrakenD Version 2.13.8"),
        new("X-Forwarded-Host", "localhost:8080"),
        new("X-Forwarded-For", "127.0.0.1"),
    ];

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, List<KeyValuePair<string, string>> headers)
    {
        var request = new HttpRequestMessage(method, _mock.BaseUrl + pathAndQuery);
        foreach (var (k, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(k, v);
        }

        return _client.SendAsync(request);
    }
}
