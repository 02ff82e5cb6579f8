using System.Text;
using Cuttle.Hosting.Connections;

namespace Cuttle.Tests.Hosting.Connections;

public sealed class Http1FramingScannerTests
{
    /// <summary>Scans the bytes cut into two reads at every position; all cuts must agree.</summary>
    private static (string Seen, int Rejected) Scan(string text)
    {
        (string, int)? first = null;
        for (var cut = 0; cut <= text.Length; cut++)
        {
            var bytes = Encoding.Latin1.GetBytes(text);
            var scanner = new Http1FramingScanner();
            scanner.Scan(bytes.AsSpan(0, cut));
            scanner.Scan(bytes.AsSpan(cut));
            var result = (Encoding.Latin1.GetString(bytes), scanner.Rejected);
            if (first is null) first = result;
            else Assert.Equal(first.Value, result);
        }
        return first!.Value;
    }

    [Theory]
    [InlineData("+5")]
    [InlineData(" +5")]
    [InlineData("\t-0")]
    [InlineData("-5")]
    [InlineData("+0005")]
    public void A_signed_Content_Length_is_spoiled_so_Kestrel_refuses_it(string value)
    {
        var (seen, rejected) = Scan($"POST /x HTTP/1.1\r\nHost: a\r\ncontent-LENGTH:{value}\r\n\r\nhello");

        Assert.Equal(1, rejected);
        Assert.Contains("content-LENGTH:" + value.Replace('+', 'x').Replace('-', 'x'), seen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" 5")]
    [InlineData("05")]
    [InlineData(" 5 ")]
    public void Digits_pass_untouched(string value)
    {
        var request = $"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length:{value}\r\n\r\nhello";

        Assert.Equal((request, 0), Scan(request));
    }

    [Fact]
    public void Pipelined_heads_are_all_checked()
    {
        var (_, rejected) = Scan("GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello" +
            "POST /y HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello");

        Assert.Equal(1, rejected);
    }

    [Fact]
    public void A_body_that_looks_like_a_head_is_left_alone()
    {
        const string body = "x\r\nContent-Length: +5\r\n\r\n";
        var request = $"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: {body.Length}\r\n\r\n{body}GET /b HTTP/1.1\r\nHost: a\r\n\r\n";

        Assert.Equal((request, 0), Scan(request));
    }

    [Fact]
    public void A_chunked_body_that_looks_like_a_head_is_left_alone_and_the_next_head_is_checked()
    {
        const string chunk = "\r\nContent-Length: +5\r\n\r\n";
        var (seen, rejected) = Scan("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" +
            $"{chunk.Length:x};name=value\r\n{chunk}\r\n0\r\nTrailer-A: 1\r\n\r\n" +
            "POST /y HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello");

        Assert.Equal(1, rejected);
        Assert.Contains(chunk, seen, StringComparison.Ordinal);
        Assert.EndsWith("Content-Length: x5\r\n\r\nhello", seen, StringComparison.Ordinal);
    }

    [Fact]
    public void Transfer_encoding_wins_over_Content_Length_and_bare_LF_ends_lines()
    {
        var (_, rejected) = Scan("POST /x HTTP/1.1\nHost: a\nContent-Length: 3\nTransfer-Encoding: chunked\n\n5\r\nhello\r\n0\r\n\r\n" +
            "POST /y HTTP/1.1\nContent-Length: +5\n\nhello");

        Assert.Equal(1, rejected);
    }

    [Fact]
    public void An_upgrade_request_is_followed_by_requests_that_are_checked()
    {
        var (_, rejected) = Scan("GET /a HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n" +
            "POST /y HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello");

        Assert.Equal(1, rejected);
    }

    [Fact]
    public void A_second_Content_Length_stops_the_scan_as_Kestrel_closes_the_connection()
    {
        var scanner = new Http1FramingScanner();
        scanner.Scan(Encoding.Latin1.GetBytes("POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"));

        Assert.True(scanner.Stopped);
    }
}
