using System.Globalization;
using System.Net;
using System.Text;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// A validation/json-schema "pattern" that backtracks exponentially (KrakenD's RE2 cannot) meets a hostile body: the
/// real process answers 400 within the host's regex bound instead of holding a thread for ever, and keeps serving.
/// Runs the CLI as a child process: the bound is set at the start of the process, before any Regex exists.
/// </summary>
public sealed class JsonSchemaBacktrackingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-redos-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_body_that_makes_a_schema_pattern_backtrack_is_refused_in_bounded_time()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/v", "method": "POST",
                "extra_config": { "validation/json-schema": { "type": "object",
                  "properties": { "name": { "type": "string", "pattern": "^(a|aa)+$" } } } },
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/v" } ] } ] }
            """);
        var port = TestPorts.Closed();
        await using var process = CuttleProcess.Start(_dir, "run", "-c", path, "-p", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/__health", "\"status\":\"ok\"", TimeSpan.FromSeconds(30)), process.Output);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };

        // Fibonacci(60) ways to split 60 a's, then a character that fails them all.
        var hostile = "{\"name\":\"" + new string('a', 60) + "!\"}";
        using var refused = await client.PostAsync("/v", new StringContent(hostile, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain(backend.Requests, r => r.PathAndQuery == "/v");

        using var fine = await client.PostAsync("/v", new StringContent("{\"name\":\"aaaa\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }
}
