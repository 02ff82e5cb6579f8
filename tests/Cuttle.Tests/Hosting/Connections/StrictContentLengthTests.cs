using System.Text.RegularExpressions;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Hosting.Connections;

/// <summary>
/// A client's Content-Length must be 1*DIGIT (RFC 9110 §8.6), as Go's net/http enforces: anything else is answered
/// 400 and never reaches a backend. Raw bytes over a real socket, on both socket transports.
/// </summary>
public sealed partial class StrictContentLengthTests
{
    private static string Config(string backendUrl) => $$"""
        { "version": 3, "endpoints": [
          { "endpoint": "/p", "method": "POST", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/b" } ] },
          { "endpoint": "/g", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/g" } ] } ] }
        """;

    [GeneratedRegex(@"HTTP/1\.1 (\d{3})")]
    private static partial Regex StatusLine();

    /// <summary>Sends the bytes, reads until the gateway closes (or 5 s), returns the status codes in order.</summary>
    private static async Task<string[]> SendAsync(int port, string request)
    {
        var received = await RawClient.SendAndReadToCloseAsync(port, request);
        return [.. StatusLine().Matches(received).Select(m => m.Groups[1].Value)];
    }

    [Theory]
    [InlineData("+5", false)]
    [InlineData("-5", false)]
    [InlineData("-0", false)]
    [InlineData(" 5 5", false)]
    [InlineData("5,6", false)]
    [InlineData("0x5", false)]
    [InlineData("+5", true)]
    [InlineData("-0", true)]
    public async Task A_Content_Length_that_is_not_digits_is_answered_400_and_nothing_reaches_the_backend(string value, bool kestrelTransport)
    {
        await using var backend = new RecordingBackend(_ => "{}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url), kestrelSocketTransport: kestrelTransport);

        var statuses = await SendAsync(gw.Port, $"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: {value}\r\nConnection: close\r\n\r\nhello");

        Assert.Equal(["400"], statuses);
        Assert.Equal("", backend.Received);
    }

    [Fact]
    public async Task Leading_zeros_are_digits_and_pass()
    {
        await using var backend = new RecordingBackend(_ => "{}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url));

        var statuses = await SendAsync(gw.Port, "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 05\r\nConnection: close\r\n\r\nhello");

        Assert.Equal(["200"], statuses);
        // The backend may answer from the head before its reader has recorded the body bytes: give it a moment.
        for (var i = 0; i < 40 && !backend.Received.Contains("hello", StringComparison.Ordinal); i++) await Task.Delay(50);
        Assert.Contains("hello", backend.Received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pipelined_request_is_checked_after_a_body_that_looks_like_a_head()
    {
        await using var backend = new RecordingBackend(_ => "{}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url));
        const string body = "x\r\nContent-Length: +7\r\ny";

        var statuses = await SendAsync(gw.Port,
            $"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: {body.Length}\r\n\r\n{body}" +
            "GET /g HTTP/1.1\r\nHost: a\r\n\r\n" +
            "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello");

        // The body reaches the backend byte for byte; the second request is served; the third is refused, in order.
        Assert.Equal(["200", "200", "400"], statuses);
        Assert.Contains(body, backend.Received, StringComparison.Ordinal);
        Assert.Contains("GET /g HTTP/1.1", backend.Received, StringComparison.Ordinal);
        Assert.DoesNotContain("hello", backend.Received, StringComparison.Ordinal);
    }
}
