using System.Text;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Backends.Http1;
using Cuttle.Testing;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Tests.Backends.Http1;

/// <summary>
/// How the lean client frames a response (RFC 9112 section 6.3, as Go's net/http reads it) and when it may reuse
/// the connection afterwards: never when a byte beyond the response's framing arrived, sooner or later.
/// </summary>
public sealed class ResponseFramingTests : IDisposable
{
    private const int ReadBufferSize = 16 * 1024; // HttpConnection's read buffer

    private readonly LeanHttpClient _client = new(new LeanClientOptions());

    public void Dispose() => _client.Dispose();

    private async Task<BackendResponse> Send(int port, CancellationToken ct = default)
    {
        var authority = "127.0.0.1:" + port;
        var request = new BackendRequest
        {
            Method = "GET", Url = "http://" + authority + "/x", PathStart = "http://".Length + authority.Length, Authority = authority,
            BodyKind = BackendBodyKind.None,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3)); // a framing bug shows as a wait for bytes that never come
        return await _client.SendAsync(_client.GetPool("127.0.0.1", port), request, timeout.Token);
    }

    private static async Task<string> ReadAll(BackendResponse response)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var all = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await response.ReadAsync(buffer, timeout.Token)) > 0) all.Write(buffer, 0, n);
        return Encoding.Latin1.GetString(all.ToArray());
    }

    private async Task<string> Get(int port)
    {
        using var response = await Send(port);
        return await ReadAll(response);
    }

    /// <summary>Answers the first request on the first connection with <paramref name="first"/>, then every later request "fresh".</summary>
    private static RawServer Backend(Func<RawConnection, Task> first) => new(async (c, index) =>
    {
        if (index == 0)
        {
            await c.ReadRequestAsync();
            await first(c);
        }
        while (await c.ReadRequestAsync() is not null)
            await c.SendAsync(index == 0 ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nconn0" : "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
    });

    private const string Stale = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale";

    [Fact]
    public async Task A_body_longer_than_its_Content_Length_that_fills_the_read_buffer_exactly_is_never_reused()
    {
        // Head and declared body are exactly one read buffer; the extra response in the same write is still in the
        // kernel when the body ends, so nothing buffered betrays it. Reusing the connection read it as the next answer.
        var head = "HTTP/1.1 200 OK\r\nContent-Length: ";
        var bodyLength = ReadBufferSize - head.Length - "16300\r\n\r\n".Length;
        var body = new string('a', bodyLength);
        var response = $"{head}{bodyLength}\r\n\r\n{body}";
        Assert.Equal(ReadBufferSize, response.Length);
        await using var server = Backend(c => c.SendAsync(response + Stale));

        Assert.Equal(body, await Get(server.Port));
        Assert.Equal("fresh", await Get(server.Port));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task Bytes_that_arrive_on_an_idle_connection_close_it_before_it_is_reused()
    {
        var sentLate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Backend(async c =>
        {
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
            await Task.Delay(20); // the client has pooled the connection by now
            await c.SendAsync(Stale); // a late (smuggled) answer nobody asked for
            sentLate.SetResult();
        });

        Assert.Equal("first", await Get(server.Port));
        await sentLate.Task;
        Assert.Equal("fresh", await Get(server.Port));
        Assert.Equal(2, server.Accepted);
    }

    [Theory]
    [InlineData("Transfer-Encoding: gzip\r\n", "unsupported transfer encoding: \"gzip\"")]
    [InlineData("Transfer-Encoding: identity\r\n", "unsupported transfer encoding: \"identity\"")]
    [InlineData("Transfer-Encoding: gzip, chunked\r\n", "unsupported transfer encoding: \"gzip, chunked\"")]
    [InlineData("Transfer-Encoding: chunked, gzip\r\n", "unsupported transfer encoding: \"chunked, gzip\"")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "too many transfer encodings")]
    public async Task A_transfer_coding_other_than_exactly_chunked_is_refused_like_Go(string fields, string error)
    {
        // Framed by its Content-Length before, whatever the coding said: the body a peer meant was never known.
        await using var server = Backend(c => c.SendAsync($"HTTP/1.1 200 OK\r\n{fields}Content-Length: 5\r\n\r\nhello"));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => Send(server.Port));
        Assert.Equal(error, ex.Message);
    }

    [Fact]
    public async Task Chunked_wins_over_Content_Length_which_is_dropped_and_not_forwarded()
    {
        await using var server = Backend(c => c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n1;a=b\r\n!\r\n0\r\nX-T: 1\r\n\r\n"));

        using (var response = await Send(server.Port))
        {
            Assert.Null(response.ContentLength);
            var headers = new HeaderDictionary();
            response.CopyHeadersTo(headers);
            Assert.False(headers.ContainsKey("Content-Length"));
            Assert.Equal("1", headers["X-A"].ToString());
            Assert.Equal("hello!", await ReadAll(response)); // trailing space and extension after a size, trailers: as Go reads them
        }
        Assert.Equal("conn0", await Get(server.Port)); // framed exactly: the connection was reused
    }

    [Fact]
    public async Task A_chunked_answer_through_SocketsHttpHandler_does_not_forward_its_Content_Length_either()
    {
        await using var server = Backend(c => c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
        using var client = new HttpClient();
        using var response = new MessageResponse(await client.GetAsync($"http://127.0.0.1:{server.Port}/x", HttpCompletionOption.ResponseHeadersRead));
        var headers = new HeaderDictionary();
        response.CopyHeadersTo(headers);
        Assert.False(headers.ContainsKey("Content-Length"));
        Assert.Equal("hello", await ReadAll(response));
    }

    [Fact]
    public async Task Repeated_identical_Content_Length_fields_are_one_and_forwarded_once_leading_zeros_allowed()
    {
        await using var server = Backend(c => c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length:  005 \r\nContent-Length: 005\r\n\r\nhello"));
        using var response = await Send(server.Port);
        var headers = new HeaderDictionary();
        response.CopyHeadersTo(headers);
        Assert.Equal("005", Assert.Single(headers["Content-Length"].ToArray())); // leading zeros and spaces are fine for Go too
        Assert.Equal(5, response.ContentLength);
        Assert.Equal("hello", await ReadAll(response));
    }

    [Theory]
    [InlineData("HTTP/1.1 -12 Negative")]
    [InlineData("HTTP/1.1 +20 Signed")]
    [InlineData("HTTP/1.1 099 Low")]
    [InlineData("HTTP/1.1 2000 Long")]
    public async Task A_status_code_outside_100_to_999_is_a_malformed_response(string statusLine)
    {
        await using var server = Backend(c => c.SendAsync(statusLine + "\r\nContent-Length: 2\r\n\r\nok"));
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => Send(server.Port));
        Assert.StartsWith("malformed HTTP response", ex.Message);
    }

    [Fact]
    public async Task A_head_whose_lines_end_in_a_bare_LF_is_read_as_Go_reads_it()
    {
        await using var server = Backend(c => c.SendAsync("HTTP/1.1 201 Created\nContent-Length: 5\r\nX-A: b\n\nhello"));
        using (var response = await Send(server.Port))
        {
            Assert.Equal(201, response.StatusCode);
            var headers = new HeaderDictionary();
            response.CopyHeadersTo(headers);
            Assert.Equal("b", headers["X-A"].ToString());
            Assert.Equal("hello", await ReadAll(response));
        }
        Assert.Equal("conn0", await Get(server.Port));
    }

    [Fact]
    public async Task A_folded_header_line_is_joined_with_one_space_as_Go_reads_it()
    {
        // RFC 9112 section 5.2 obs-fold; Go's textproto joins continuation lines (trimmed) with a single space.
        // Before: refused as a malformed line, where KrakenD forwards the answer.
        await using var server = Backend(c => c.SendAsync("HTTP/1.1 200 OK\r\nX-A: one  \r\n   two\r\n\tthree\r\nContent-Length: 5\r\nX-B: b\n c\n\nhello"));
        using (var response = await Send(server.Port))
        {
            var headers = new HeaderDictionary();
            response.CopyHeadersTo(headers);
            Assert.Equal("one two three", headers["X-A"].ToString());
            Assert.Equal("b c", headers["X-B"].ToString());
            Assert.Equal("hello", await ReadAll(response));
        }
        Assert.Equal("conn0", await Get(server.Port));
    }

    [Fact]
    public async Task A_first_header_line_that_starts_with_a_space_is_refused_as_Go_refuses_it()
    {
        await using var server = Backend(c => c.SendAsync("HTTP/1.1 200 OK\r\n X-A: a\r\nContent-Length: 5\r\n\r\nhello"));
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => Send(server.Port));
        Assert.StartsWith("malformed MIME header line", ex.Message);
    }

    [Theory]
    [InlineData("+5", "bad Content-Length \"+5\"")]
    [InlineData("-5", "bad Content-Length \"-5\"")]
    [InlineData("5 5", "bad Content-Length \"5 5\"")]
    [InlineData("0x5", "bad Content-Length \"0x5\"")]
    [InlineData("", "invalid empty Content-Length \"\"")]
    [InlineData("99999999999999999999", "bad Content-Length \"99999999999999999999\"")]
    public async Task Content_Length_is_digits_only_as_Go_parses_it(string value, string error)
    {
        await using var server = Backend(c => c.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {value}\r\n\r\nhello"));
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => Send(server.Port));
        Assert.Equal(error, ex.Message);
    }

    [Theory]
    [InlineData("Content-Length : 5")]
    [InlineData("No colon here")]
    [InlineData(": empty name")]
    public async Task A_header_line_Go_would_refuse_is_refused_rather_than_skipped(string line)
    {
        await using var server = Backend(c => c.SendAsync($"HTTP/1.1 200 OK\r\n{line}\r\n\r\nhello"));
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => Send(server.Port));
        Assert.StartsWith("malformed MIME header line", ex.Message);
    }

    [Theory]
    [InlineData("5\nhello", "chunked line ends with bare LF")]
    [InlineData("5\r\r\nhello", "invalid CR in chunked line")]
    [InlineData(" 5\r\nhello\r\n0\r\n\r\n", "invalid byte in chunk length")]
    [InlineData("+5\r\nhello\r\n0\r\n\r\n", "invalid byte in chunk length")]
    public async Task A_chunk_size_line_Go_refuses_fails_at_once(string chunks, string error)
    {
        // The backend then waits: a reader that wanted a CRLF it would never get used to hang until the timeout.
        await using var server = Backend(async c =>
        {
            await c.SendAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
            await c.ReadRequestAsync();
        });
        using var response = await Send(server.Port);
        var ex = await Assert.ThrowsAsync<IOException>(() => ReadAll(response));
        Assert.EndsWith(error, ex.Message);
    }

}
