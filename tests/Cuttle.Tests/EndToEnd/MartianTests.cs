using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// modifier/martian over real sockets: a Kestrel backend records what reached it, the client sees what the
/// response modifiers made of the answer. Each request test runs on both backend transports (the own HTTP/1.1
/// client and SocketsHttpHandler, which a URL with user info selects).
/// </summary>
public sealed class MartianTests
{
    private static string Host(FakeBackend backend, bool sockets) =>
        sockets ? backend.Url.Replace("http://", "http://user:pw@", StringComparison.Ordinal) : backend.Url;

    private static string Config(string backendUrl, string martian, string endpointExtras = "", string backendExtras = "") => $$"""
        { "version": 3, "endpoints": [ { "endpoint": "/m", "method": "POST", "input_headers": ["*"], {{endpointExtras}}
          "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/b", "disable_host_sanitize": true, {{backendExtras}}
            "extra_config": { "modifier/martian": {{martian}} } } ] } ] }
        """;

    private static HttpRequestMessage Post(string path = "/m", string body = "{}") => new(HttpMethod.Post, path) { Content = new StringContent(body) };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_fifo_group_sets_deletes_and_filters_request_headers_by_regex(bool sockets)
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config(Host(backend, sockets), """
            { "fifo.Group": { "scope": ["request", "response"], "aggregateErrors": true, "modifiers": [
                { "header.Modifier": { "scope": ["request", "response"], "name": "x-martian", "value": "ouh yeah!" } },
                { "header.Blacklist": { "scope": ["request"], "names": ["X-Drop"] } },
                { "header.RegexFilter": { "scope": ["request"], "header": "X-Neptunian", "regex": "no!",
                    "modifier": { "header.Modifier": { "scope": ["request"], "name": "X-Martian-New", "value": "some value" } } } },
                { "header.RegexFilter": { "scope": ["request"], "header": "X-Neptunian", "regex": "^yes$",
                    "modifier": { "header.Modifier": { "scope": ["request"], "name": "X-Never", "value": "1" } } } } ] } }
            """, backendExtras: "\"input_headers\": [\"X-Neptunian\"],"));

        using var request = Post();
        request.Headers.Add("X-Neptunian", "oh no!");
        request.Headers.Add("X-Drop", "1");
        var response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"ok":true}""", await response.Content.ReadAsStringAsync());
        var seen = Assert.Single(backend.Requests);
        // input_headers applies before the modifiers: the headers they add reach the backend, X-Drop never did.
        Assert.Equal("ouh yeah!", seen.Headers["X-Martian"]);
        Assert.Equal("some value", seen.Headers["X-Martian-New"]);
        Assert.Equal("oh no!", seen.Headers["X-Neptunian"]);
        Assert.False(seen.Headers.ContainsKey("X-Never"));
        Assert.False(seen.Headers.ContainsKey("X-Drop"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Querystring_and_url_modifiers_rewrite_the_backend_url(bool sockets)
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config(Host(backend, sockets), """
            { "fifo.Group": { "modifiers": [
                { "url.Modifier": { "scope": ["request"], "path": "/other path", "query": "z=1&a=2" } },
                { "querystring.Modifier": { "scope": ["request"], "name": "m", "value": "a b" } } ] } }
            """));

        var response = await gw.Client.SendAsync(Post());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // querystring.Modifier re-encodes the whole query sorted by key, as url.Values.Encode does.
        Assert.Equal("/other%20path?a=2&m=a+b&z=1", Assert.Single(backend.Requests).PathAndQuery);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_cookie_and_stash_modifiers_shape_the_backend_request(bool sockets)
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config(Host(backend, sockets), """
            { "fifo.Group": { "scope": ["request"], "modifiers": [
                { "body.Modifier": { "scope": ["request"], "contentType": "application/json", "body": "eyJtc2ciOiJ5b3Ugcm9jayEifQ==" } },
                { "cookie.Modifier": { "scope": ["request"], "name": "session", "value": "abc" } },
                { "stash.Modifier": { "scope": ["request"], "headerName": "X-Stash" } } ] } }
            """));

        using var request = Post(body: "client body");
        request.Headers.Add("Cookie", "a=1");
        var response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(backend.Requests);
        Assert.Equal("""{"msg":"you rock!"}""", seen.Body);
        Assert.Equal("application/json", seen.Headers["Content-Type"]);
        Assert.Equal("19", seen.Headers["Content-Length"]);
        Assert.Equal("a=1; session=abc", seen.Headers["Cookie"]);
        Assert.Equal(Host(backend, sockets) + "/b", seen.Headers["X-Stash"]);
    }

    [Fact]
    public async Task Response_modifiers_change_headers_and_body_before_the_parser_and_the_no_op_pass_through()
    {
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            ctx.Response.Headers["X-Secret"] = "s";
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("not json");
        });
        const string Martian = """
            { "fifo.Group": { "scope": ["request", "response"], "modifiers": [
                { "header.Modifier": { "scope": ["response"], "name": "X-Added", "value": "yes" } },
                { "header.Modifier": { "scope": ["response"], "name": "X-Not-Requested", "value": "no" } },
                { "header.Blacklist": { "scope": ["response"], "names": ["X-Secret"] } },
                { "cookie.Modifier": { "scope": ["response"], "name": "c", "value": "v", "path": "/", "maxAge": 60, "httpOnly": true } },
                { "stash.Modifier": { "scope": ["request", "response"], "headerName": "X-Stash" } },
                { "body.Modifier": { "scope": ["response"], "contentType": "application/json", "body": "eyJyZXBsYWNlZCI6dHJ1ZX0=" } } ] } }
            """;
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [
              { "endpoint": "/json", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/j", "extra_config": { "modifier/martian": {{Martian}} } } ] },
              { "endpoint": "/raw", "output_encoding": "no-op", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/r", "extra_config": { "modifier/martian": {{Martian}} } } ] } ] }
            """);

        // The backend's text body is replaced by JSON before the JSON parser sees it.
        Assert.Equal("""{"replaced":true}""", await gw.Client.GetStringAsync("/json"));

        var raw = await gw.Client.GetAsync("/raw");
        Assert.Equal("""{"replaced":true}""", await raw.Content.ReadAsStringAsync());
        Assert.Equal("application/json", raw.Content.Headers.ContentType!.ToString());
        Assert.Equal("yes", MergingTests.Header(raw, "X-Added"));
        Assert.Null(MergingTests.Header(raw, "X-Secret"));
        Assert.Equal("c=v; Path=/; Max-Age=60; HttpOnly", MergingTests.Header(raw, "Set-Cookie"));
        Assert.Equal(backend.Url + "/r", MergingTests.Header(raw, "X-Stash"));
        // The response-scoped header never reached the backend.
        Assert.All(backend.Requests, seen => Assert.False(seen.Headers.ContainsKey("X-Not-Requested")));
    }

    [Fact]
    public async Task Static_modifier_serves_a_file_without_calling_the_backend()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"from":"backend"}""");
        var root = Directory.CreateTempSubdirectory("cuttle-static-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "health.json"), """{"status":"ok"}""");
            await using var gw = await GatewayHarness.StartAsync($$"""
                { "version": 3, "endpoints": [
                  { "endpoint": "/health", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/__health",
                    "extra_config": { "modifier/martian": { "static.Modifier": { "scope": ["request", "response"],
                      "rootPath": "{{root}}", "explicitPaths": { "/__health": "/health.json" } } } } } ] },
                  { "endpoint": "/missing", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/nope.json",
                    "extra_config": { "modifier/martian": { "static.Modifier": { "scope": ["request", "response"], "rootPath": "{{root}}" } } } } ] } ] }
                """);

            Assert.Equal("""{"status":"ok"}""", await gw.Client.GetStringAsync("/health"));
            // A file that does not exist is martian's 404, which the backend's status check turns into a failure.
            Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.GetAsync("/missing")).StatusCode);
            Assert.Empty(backend.Requests);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Header_filter_runs_its_else_branch_and_status_modifier_sets_the_status()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, """
            { "fifo.Group": { "modifiers": [
                { "header.Filter": { "scope": ["request"], "name": "X-Country", "value": "VN",
                    "modifier": { "header.Modifier": { "scope": ["request"], "name": "X-Route", "value": "vn" } },
                    "else": { "header.Modifier": { "scope": ["request"], "name": "X-Route", "value": "default" } } } },
                { "status.Modifier": { "scope": ["response"], "statusCode": 201 } } ] } }
            """, endpointExtras: "\"output_encoding\": \"no-op\","));

        using var vn = Post();
        vn.Headers.Add("X-Country", "VN");
        var first = await gw.Client.SendAsync(vn);
        var second = await gw.Client.SendAsync(Post());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(["vn", "default"], backend.Requests.Select(r => r.Headers["X-Route"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_header_filter_routes_to_another_host_with_url_modifier(bool sockets)
    {
        await using var main = await FakeBackend.JsonAsync("""{"from":"main"}""");
        await using var regional = await FakeBackend.JsonAsync("""{"from":"regional"}""");
        var regionalHost = new Uri(regional.Url).Authority;
        await using var gw = await GatewayHarness.StartAsync(Config(Host(main, sockets), $$"""
            { "header.Filter": { "scope": ["request"], "name": "country", "value": "VN",
                "modifier": { "url.Modifier": { "scope": ["request"], "host": "{{regionalHost}}" } } } }
            """));

        using var vn = Post();
        vn.Headers.Add("Country", "VN");

        Assert.Equal("""{"from":"regional"}""", await (await gw.Client.SendAsync(vn)).Content.ReadAsStringAsync());
        Assert.Equal("""{"from":"main"}""", await (await gw.Client.SendAsync(Post())).Content.ReadAsStringAsync());
        Assert.Equal("/b", Assert.Single(regional.Requests).PathAndQuery);
        Assert.Single(main.Requests);
    }
}
