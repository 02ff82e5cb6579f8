using Xunit;

namespace Cuttle.Conformance.Tests;

/// <summary>The runner's client must look like Go's http.DefaultClient to whoever it talks to; the mock's echo shows that.</summary>
public sealed class GoHttpClientTests : IAsyncLifetime
{
    private MockBackend _mock = null!;
    private GoHttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _mock = await MockBackend.StartAsync(TimeSpan.Zero);
        _client = new GoHttpClient(TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _mock.DisposeAsync();
    }

    [Fact]
    public async Task Get_SendsOnlyGoDefaultHeaders()
    {
        var response = await _client.SendAsync("GET", $"http://localhost:{_mock.Port}/param_forwarding/x", ForwardedFor(), null, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(
            "{\"foo\":42,\"headers\":{\"Accept-Encoding\":[\"gzip\"],\"User-Agent\":[\"Go-http-client/1.1\"]},\"path\":\"/param_forwarding/x\",\"query\":{}}\n",
            System.Text.Encoding.UTF8.GetString(response.Body));
        Assert.Equal(["test1=test1", "test2=test2"], response.Headers["Set-Cookie"]);
        Assert.Equal(["application/json"], response.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Redirect_IsFollowedWithRefererLikeGo()
    {
        var url = $"http://localhost:{_mock.Port}/redirect/?status=302";
        var response = await _client.SendAsync("GET", url, ForwardedFor(), null, CancellationToken.None);

        Assert.Equal(
            $"{{\"foo\":42,\"headers\":{{\"Accept-Encoding\":[\"gzip\"],\"Referer\":[\"{url}\"],\"User-Agent\":[\"Go-http-client/1.1\"]}},\"path\":\"/param_forwarding/\",\"query\":{{\"status\":[\"302\"]}}}}\n",
            System.Text.Encoding.UTF8.GetString(response.Body));
    }

    [Fact]
    public async Task PostRedirectedWith303_BecomesGetWithoutBody()
    {
        var response = await _client.SendAsync(
            "POST", $"http://localhost:{_mock.Port}/redirect/?status=303&dump_body=1", ForwardedFor(), "abc"u8.ToArray(), CancellationToken.None);

        var body = System.Text.Encoding.UTF8.GetString(response.Body);
        Assert.Contains("\"body\":\"\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostRedirectedWith307_ResendsTheBody()
    {
        var response = await _client.SendAsync(
            "POST", $"http://localhost:{_mock.Port}/redirect/?status=307&dump_body=1", ForwardedFor(), "abc"u8.ToArray(), CancellationToken.None);

        var body = System.Text.Encoding.UTF8.GetString(response.Body);
        Assert.Contains("\"body\":\"abc\"", body, StringComparison.Ordinal);
        Assert.Contains("\"Content-Length\":[\"3\"]", body, StringComparison.Ordinal);
    }

    private static List<KeyValuePair<string, string>> ForwardedFor() => [new("X-Forwarded-For", "127.0.0.1")];
}
