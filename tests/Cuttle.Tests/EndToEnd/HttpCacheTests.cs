using System.Net;
using System.Text;
using Cuttle.Config;
using Cuttle.Gateway;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>qos/http-cache over real sockets: a Kestrel backend counting the requests that reach it, the system clock.</summary>
public sealed class HttpCacheTests
{
    /// <summary>
    /// The backend's answers are fresh for <paramref name="maxAge"/> seconds from their arrival: its Date is set a
    /// second ahead, so the whole-second Date of a real server cannot make an answer stale on arrival (apparent age
    /// is never negative). The time the answer took still counts (RFC 9111 response_delay).
    /// </summary>
    private static Task<FakeBackend> CountingBackend(Func<int> next, int maxAge) => FakeBackend.StartAsync(async ctx =>
    {
        var n = next();
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "max-age=" + maxAge;
        ctx.Response.Headers.Vary = "Accept-Language";
        ctx.Response.Headers.Date = DateTimeOffset.UtcNow.AddSeconds(1).ToString("r");
        var lang = ctx.Request.Headers.AcceptLanguage.ToString();
        await ctx.Response.WriteAsync($$"""{"n":{{n}},"lang":"{{lang}}"}""");
    });

    [Fact]
    public async Task The_second_request_is_answered_from_the_cache_until_expiry_and_Vary_keeps_languages_apart()
    {
        var count = 0;
        await using var backend = await CountingBackend(() => Interlocked.Increment(ref count), maxAge: 1);
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [ { "endpoint": "/warm", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/warm" } ] },
              { "endpoint": "/c", "input_headers": ["Accept-Language"],
              "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/data", "extra_config": { "qos/http-cache": { "max_items": 10, "max_size": 1048576 } } } ] } ] }
            """);

        async Task<string> Get(string lang)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/c");
            request.Headers.TryAddWithoutValidation("Accept-Language", lang);
            using var response = await gw.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        // A first call warms both sides' connection code up: a cold answer slower than max-age would arrive stale.
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/warm")).StatusCode);

        Assert.Equal("""{"lang":"en","n":2}""", await Get("en"));
        Assert.Equal("""{"lang":"en","n":2}""", await Get("en"));
        Assert.Equal(2, backend.Requests.Count);

        Assert.Equal("""{"lang":"fr","n":3}""", await Get("fr"));
        Assert.Equal(3, backend.Requests.Count);

        await Task.Delay(TimeSpan.FromMilliseconds(1200));
        Assert.Equal("""{"lang":"fr","n":4}""", await Get("fr"));
        Assert.Equal("""{"lang":"fr","n":4}""", await Get("fr"));
        Assert.Equal(4, backend.Requests.Count);
    }

    [Fact]
    public async Task The_SocketsHttpHandler_transport_is_cached_too_and_a_no_op_endpoint_replays_the_backends_answer()
    {
        var count = 0;
        await using var backend = await CountingBackend(() => Interlocked.Increment(ref count), maxAge: 60);
        var json = $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/c", "output_encoding": "no-op",
              "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/data", "extra_config": { "qos/http-cache": {} } } ] } ] }
            """;
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success);
        // Every backend call through SocketsHttpHandler, over a real connection to the Kestrel backend.
        await using var generation = GenerationBuilder.Build(loaded.Config!, new GenerationOptions { BackendHandler = new SocketsHttpHandler() });

        async Task<(int Status, IHeaderDictionary Headers, string Body)> Get()
        {
            var context = new DefaultHttpContext();
            context.Request.Method = "GET";
            context.Request.Path = "/c";
            var body = new MemoryStream();
            context.Response.Body = body;
            await generation.HandleAsync(context);
            return (context.Response.StatusCode, context.Response.Headers, Encoding.UTF8.GetString(body.ToArray()));
        }

        var first = await Get();
        var second = await Get();

        Assert.Single(backend.Requests);
        Assert.Equal((200, """{"n":1,"lang":""}"""), (second.Status, second.Body));
        Assert.Equal(first.Body, second.Body);
        Assert.Equal("max-age=60", second.Headers.CacheControl);
        Assert.Equal("Accept-Language", second.Headers.Vary);
        Assert.True(second.Headers.ContainsKey("Age"));
    }
}
