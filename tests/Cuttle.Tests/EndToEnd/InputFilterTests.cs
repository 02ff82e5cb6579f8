using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// input_query_strings and input_headers as lura applies them, seen in the bytes a raw backend receives: query
/// parameter names are matched exactly (Go's url.Values is a case-sensitive map), header names case-insensitively
/// (HTTP header names are, and lura canonicalises them).
/// </summary>
public sealed class InputFilterTests
{
    private static string Config(string backendUrl) => $$"""
        { "version": 3, "endpoints": [
          { "endpoint": "/list", "input_query_strings": ["page"], "input_headers": ["X-Tenant"],
            "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/b" } ] },
          { "endpoint": "/all", "input_query_strings": ["*"],
            "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/b" } ] } ] }
        """;

    private static string RequestLine(string received) => received[..received.IndexOf("\r\n", StringComparison.Ordinal)];

    [Theory]
    [InlineData("/list?PAGE=2", "GET /b HTTP/1.1")]
    [InlineData("/list?Page=2&page=1", "GET /b?page=1 HTTP/1.1")]
    [InlineData("/list?page=1&page=3", "GET /b?page=1&page=3 HTTP/1.1")]
    [InlineData("/all?page=1&PAGE=2", "GET /b?PAGE=2&page=1 HTTP/1.1")]
    public async Task Query_string_names_are_matched_exactly(string path, string requestLine)
    {
        await using var backend = new RecordingBackend(_ => "{}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url));

        var response = await gw.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(requestLine, RequestLine(backend.Received));
    }

    [Fact]
    public async Task Header_names_are_matched_in_any_case_and_sent_canonical()
    {
        await using var backend = new RecordingBackend(_ => "{}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/list");
        request.Headers.TryAddWithoutValidation("x-TENANT", "acme");
        var response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\r\nX-Tenant: acme\r\n", backend.Received, StringComparison.Ordinal);
    }
}
