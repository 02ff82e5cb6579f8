using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// modifier/lua-endpoint in the service's extra_config: krakend-lua's router/gin Register, a gin engine middleware
/// that runs the pre script (with the ctx API) before every handler of the engine, 404 and 405 included, and aborts
/// with 500 and no body on any script error (custom_error's code is not used at this level). /__health is registered
/// before it and gin's redirects run no handler, so neither sees it. Each request gets a new Lua state.
/// </summary>
public sealed class LuaServiceTests
{
    private static string Config(string backendUrl, string pre, string sources = "") => $$"""
        { "version": 3,
          "extra_config": { "modifier/lua-endpoint": { "pre": {{System.Text.Json.JsonSerializer.Serialize(pre)}}, "allow_open_libs": true{{sources}} } },
          "endpoints": [
            { "endpoint": "/a", "input_headers": ["X-From-Lua"], "input_query_strings": ["q"],
              "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/b" } ] } ] }
        """;

    [Fact]
    public async Task The_pre_script_runs_before_every_endpoint_request_on_the_live_request()
    {
        await using var backend = new RecordingBackend(_ => """{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, """
            local c = ctx.load()
            c:headers("X-From-Lua", c:method() .. " " .. c:url())
            c:query("q", "set-by-lua")
            """));

        var response = await gw.Client.GetAsync("/a?x=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("X-From-Lua: GET /a?x=1", backend.Received, StringComparison.Ordinal);
        Assert.Contains("GET /b?q=set-by-lua HTTP/1.1", backend.Received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctx_params_are_the_matched_routes_params_as_gin_fills_them_before_its_middlewares()
    {
        // gin's handleHTTPRequest sets c.Params from the route it matched, then runs the route's handler chain, engine
        // middlewares first: krakend-lua's GinContext.params reads those. A 404 matches no route: no params.
        await using var backend = new RecordingBackend(_ => """{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3,
              "extra_config": { "modifier/lua-endpoint": { "pre": {{System.Text.Json.JsonSerializer.Serialize("""
                local c = ctx.load()
                c:headers("X-Params", "user=" .. c:params("user") .. ";Id=" .. c:params("Id"))
                if c:url() == "/none" and c:params("user") ~= "" then custom_error("params on a 404") end
                """)}} } },
              "endpoints": [
                { "endpoint": "/users/{user}/items/{Id}", "input_headers": ["X-Params"],
                  "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/b" } ] } ] }
            """);

        var response = await gw.Client.GetAsync("/users/ana/items/7");
        var missing = await gw.Client.GetAsync("/none");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("X-Params: user=ana;Id=7", backend.Received, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_param_the_service_script_sets_is_the_one_the_endpoint_substitutes_in_the_backend_url()
    {
        // krakend-lua's GinContext.params with a value writes gin's c.Params, the slice lura's endpoint handler reads
        // next (the engine middleware and the endpoint handler share the gin.Context): {id} and the endpoint-level
        // script both see the new value. A request the script leaves alone keeps its own.
        await using var backend = new RecordingBackend(_ => """{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3,
              "extra_config": { "modifier/lua-endpoint": { "pre": {{System.Text.Json.JsonSerializer.Serialize("""
                local c = ctx.load()
                if c:params("id") == "1" then c:params("id", "42") end
                """)}} } },
              "endpoints": [
                { "endpoint": "/items/{id}", "input_headers": ["X-Seen"],
                  "extra_config": { "modifier/lua-endpoint": { "pre": "local c = ctx.load(); c:headers('X-Seen', c:params('id'))" } },
                  "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/b/{id}" } ] } ] }
            """);

        var rewritten = await gw.Client.GetAsync("/items/1");
        var kept = await gw.Client.GetAsync("/items/7");

        Assert.Equal(HttpStatusCode.OK, rewritten.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Contains("GET /b/42 HTTP/1.1", backend.Received, StringComparison.Ordinal);
        Assert.Contains("X-Seen: 42", backend.Received, StringComparison.Ordinal);
        Assert.Contains("GET /b/7 HTTP/1.1", backend.Received, StringComparison.Ordinal);
        Assert.DoesNotContain("GET /b/1 HTTP/1.1", backend.Received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_error_aborts_with_500_and_no_body_whatever_its_code_and_the_backend_is_not_called()
    {
        await using var backend = new RecordingBackend(_ => """{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, """
            if ctx.load():headers("X-Deny") == "1" then custom_error("I am a teapot", 418) end
            """));

        using var denied = new HttpRequestMessage(HttpMethod.Get, "/a");
        denied.Headers.Add("X-Deny", "1");
        var response = await gw.Client.SendAsync(denied);
        var allowed = await gw.Client.GetAsync("/a");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Null(response.Content.Headers.ContentType);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(1, Heads(backend.Received));
    }

    [Fact]
    public async Task It_runs_for_404_405_and_debug_but_not_for_health_or_redirects()
    {
        await using var backend = new RecordingBackend(_ => """{"ok":true}""");
        var json = Config(backend.Url, "custom_error('always')");
        await using var gw = await GatewayHarness.StartAsync(json, debug: true);

        Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.GetAsync("/a")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.GetAsync("/nowhere")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.PostAsync("/a", null)).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.GetAsync("/__debug/x")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/__health")).StatusCode);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gw.Client.BaseAddress };
        var redirect = await noRedirects.GetAsync("/a/");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal(0, Heads(backend.Received));
    }

    [Fact]
    public async Task A_global_set_in_one_request_is_gone_in_the_next()
    {
        await using var backend = new RecordingBackend(_ => """{"ok":true}""");
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "local n = 0\nfunction bump() n = n + 1 return n end\n");
            await using var gw = await GatewayHarness.StartAsync(Config(backend.Url,
                "if seen or string.seen or bump() > 1 then custom_error('leaked') end seen = true string.seen = true ctx.load():headers('X-From-Lua', 'ran')",
                $$""", "sources": [{{System.Text.Json.JsonSerializer.Serialize(file)}}]"""));

            for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/a")).StatusCode);
            Assert.Equal(3, backend.Received.Split("X-From-Lua: ran").Length - 1);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_unreadable_source_file_fails_the_start_naming_the_setting_position()
    {
        var json = Config("http://127.0.0.1:8080", "x = 1", """, "sources": ["/no/such/dir/missing.lua"]""");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHarness.StartAsync(json));

        Assert.True(ex.Message.Contains("missing.lua", StringComparison.Ordinal), ex.ToString());
        Assert.Matches(@"krakend\.json:2:\d+", ex.Message);
    }

    private static int Heads(string received) => received.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries).Length;
}
