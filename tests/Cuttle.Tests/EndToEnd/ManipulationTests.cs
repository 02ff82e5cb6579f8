using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>Per-backend data manipulation (target, allow, deny, mapping, group, is_collection) and encodings.</summary>
public sealed class ManipulationTests
{
    private const string Rich = """{"data":{"user":{"id":1,"name":"ann","email":"a@x","address":{"city":"Oslo","zip":"0150"}},"meta":{"v":2}},"status":"ok"}""";

    private static string Config(string endpoints) => $$"""{ "version": 3, "endpoints": [ {{endpoints}} ] }""";

    [Fact]
    public async Task Target_allow_mapping_and_group_apply_in_krakends_order()
    {
        await using var backend = await FakeBackend.JsonAsync(Rich);
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/a", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/",
                "target": "data.user", "allow": ["id", "address.city"], "mapping": { "id": "user_id" }, "group": "u" } ] }
            """));

        Assert.Equal("""{"u":{"address":{"city":"Oslo"},"user_id":1}}""", await gw.Client.GetStringAsync("/a"));
    }

    [Fact]
    public async Task Deny_removes_nested_fields()
    {
        await using var backend = await FakeBackend.JsonAsync(Rich);
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/d", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/", "target": "data", "deny": ["user.email", "user.address", "meta"] } ] }
            """));

        Assert.Equal("""{"user":{"id":1,"name":"ann"}}""", await gw.Client.GetStringAsync("/d"));
    }

    [Fact]
    public async Task A_missing_target_yields_an_empty_object_and_an_incomplete_flag()
    {
        await using var backend = await FakeBackend.JsonAsync(Rich);
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/m", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/", "target": "nope" } ] }"""));

        var response = await gw.Client.GetAsync("/m");

        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        Assert.Equal("false", MergingTests.Header(response, "X-Krakend-Completed"));
    }

    [Fact]
    public async Task Collections_are_wrapped_and_can_be_renamed_and_rendered_as_arrays()
    {
        await using var backend = await FakeBackend.JsonAsync("""[{"i":1},{"i":2}]""");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/c", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/", "is_collection": true, "mapping": { "collection": "items" } } ] },
            { "endpoint": "/raw", "output_encoding": "json-collection", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/", "is_collection": true } ] },
            { "endpoint": "/nocoll", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] },
            { "endpoint": "/safe", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/", "encoding": "safejson" } ] }
            """));

        Assert.Equal("""{"items":[{"i":1},{"i":2}]}""", await gw.Client.GetStringAsync("/c"));
        Assert.Equal("""[{"i":1},{"i":2}]""", await gw.Client.GetStringAsync("/raw"));
        Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.GetAsync("/nocoll")).StatusCode);
        Assert.Equal("""{"collection":[{"i":1},{"i":2}]}""", await gw.Client.GetStringAsync("/safe"));
    }

    [Fact]
    public async Task Strings_are_escaped_as_go_does()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"html":"<b>&</b>","uni":"caf\u00e9","line":"a\u2028b","num":1.50,"big":12345678901234567890}""");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/s", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }"""));

        Assert.Equal("{\"big\":12345678901234567890,\"html\":\"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\",\"line\":\"a\\u2028b\",\"num\":1.50,\"uni\":\"café\"}",
            await gw.Client.GetStringAsync("/s"));
    }

    [Fact]
    public async Task String_xml_and_yaml_encodings_render_like_krakend()
    {
        await using var xml = await FakeBackend.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/xml";
            await ctx.Response.WriteAsync("""<user type="admin"><name>Elliot</name><tag>a</tag><tag>b</tag></user>""");
        });
        await using var text = await FakeBackend.StartAsync(ctx => ctx.Response.WriteAsync("plain text"));
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/x2j", "backend": [ { "host": ["{{xml.Url}}"], "url_pattern": "/", "encoding": "xml" } ] },
            { "endpoint": "/x2x", "output_encoding": "xml", "backend": [ { "host": ["{{xml.Url}}"], "url_pattern": "/", "encoding": "xml" } ] },
            { "endpoint": "/neg", "output_encoding": "negotiate", "backend": [ { "host": ["{{xml.Url}}"], "url_pattern": "/", "encoding": "xml" } ] },
            { "endpoint": "/str", "output_encoding": "string", "backend": [ { "host": ["{{text.Url}}"], "url_pattern": "/", "encoding": "string" } ] },
            { "endpoint": "/strjson", "backend": [ { "host": ["{{text.Url}}"], "url_pattern": "/", "encoding": "string" } ] }
            """));

        Assert.Equal("""{"user":{"-type":"admin","name":"Elliot","tag":["a","b"]}}""", await gw.Client.GetStringAsync("/x2j"));
        Assert.Equal("""<user type="admin"><name>Elliot</name><tag>a</tag><tag>b</tag></user>""", await gw.Client.GetStringAsync("/x2x"));
        var yaml = new HttpRequestMessage(HttpMethod.Get, "/neg");
        yaml.Headers.Accept.ParseAdd("text/plain");
        var yamlResponse = await gw.Client.SendAsync(yaml);
        Assert.Equal("user:\n  -type: admin\n  name: Elliot\n  tag:\n  - a\n  - b\n", await yamlResponse.Content.ReadAsStringAsync());
        Assert.Equal("application/yaml; charset=utf-8", yamlResponse.Content.Headers.ContentType?.ToString());
        Assert.Equal("plain text", await gw.Client.GetStringAsync("/str"));
        Assert.Equal("""{"content":"plain text"}""", await gw.Client.GetStringAsync("/strjson"));
    }

    [Fact]
    public async Task Return_error_details_turns_a_failure_into_data()
    {
        await using var ok = await FakeBackend.JsonAsync("""{"a":1}""");
        await using var bad = await FakeBackend.StartAsync(async ctx => { ctx.Response.StatusCode = 404; ctx.Response.ContentType = "text/plain; charset=utf-8"; await ctx.Response.WriteAsync("nope\n"); });
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/e", "backend": [
                { "host": ["{{ok.Url}}"], "url_pattern": "/" },
                { "host": ["{{bad.Url}}"], "url_pattern": "/", "extra_config": { "backend/http": { "return_error_details": "b" } } } ] },
            { "endpoint": "/code", "backend": [
                { "host": ["{{bad.Url}}"], "url_pattern": "/", "extra_config": { "backend/http": { "return_error_code": true } } } ] }
            """));

        var details = await gw.Client.GetAsync("/e");
        Assert.Equal(HttpStatusCode.OK, details.StatusCode);
        Assert.Equal("""{"a":1,"error_b":{"http_body":"nope\n","http_body_encoding":"text/plain; charset=utf-8","http_status_code":404}}""", await details.Content.ReadAsStringAsync());
        Assert.Equal("false", MergingTests.Header(details, "X-Krakend-Completed"));

        var code = await gw.Client.GetAsync("/code");
        Assert.Equal(HttpStatusCode.NotFound, code.StatusCode);
    }

    [Fact]
    public async Task Static_data_is_merged_by_strategy()
    {
        await using var ok = await FakeBackend.JsonAsync("""{"live":1}""");
        var closed = TestPorts.Closed();
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/always", "backend": [ { "host": ["{{ok.Url}}"], "url_pattern": "/" } ],
              "extra_config": { "proxy": { "static": { "strategy": "always", "data": { "s": true } } } } },
            { "endpoint": "/errored-ok", "backend": [ { "host": ["{{ok.Url}}"], "url_pattern": "/" } ],
              "extra_config": { "proxy": { "static": { "strategy": "errored", "data": { "fallback": true } } } } },
            { "endpoint": "/errored-down", "backend": [ { "host": ["http://127.0.0.1:{{closed}}"], "url_pattern": "/" } ],
              "extra_config": { "proxy": { "static": { "strategy": "errored", "data": { "fallback": true } } } } }
            """));

        Assert.Equal("""{"live":1,"s":true}""", await gw.Client.GetStringAsync("/always"));
        Assert.Equal("""{"live":1}""", await gw.Client.GetStringAsync("/errored-ok"));
        var down = await gw.Client.GetAsync("/errored-down");
        Assert.Equal(HttpStatusCode.OK, down.StatusCode);
        Assert.Equal("""{"fallback":true}""", await down.Content.ReadAsStringAsync());
        Assert.Equal("false", MergingTests.Header(down, "X-Krakend-Completed"));
    }

    [Fact]
    public async Task Sequential_backends_use_fields_of_earlier_responses()
    {
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            if (ctx.Request.Path == "/first") await ctx.Response.WriteAsync("""{"id":42,"ids":[1,2]}""");
            else await ctx.Response.WriteAsync($$"""{"path":"{{ctx.Request.Path}}{{ctx.Request.QueryString}}"}""");
        });
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/seq", "extra_config": { "proxy": { "sequential": true } }, "backend": [
                { "host": ["{{backend.Url}}"], "url_pattern": "/first" },
                { "host": ["{{backend.Url}}"], "url_pattern": "/second/{resp0_id}?all={resp0_ids}", "group": "second" } ] }
            """));

        Assert.Equal("""{"id":42,"ids":[1,2],"second":{"path":"/second/42?all=1,2"}}""", await gw.Client.GetStringAsync("/seq"));
    }

    [Fact]
    public async Task Flatmap_moves_and_deletes_inside_collections()
    {
        await using var backend = await FakeBackend.JsonAsync("""[{"path":"/a","i":0},{"path":"/b","i":1}]""");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/fm", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/", "is_collection": true,
                "extra_config": { "proxy": { "flatmap_filter": [
                    { "type": "move", "args": ["collection", "paths"] },
                    { "type": "del", "args": ["paths.*.i"] },
                    { "type": "move", "args": ["paths.*.path", "paths.*.url"] } ] } } } ] }
            """));

        Assert.Equal("""{"paths":[{"url":"/a"},{"url":"/b"}]}""", await gw.Client.GetStringAsync("/fm"));
    }

    [Fact]
    public async Task Concurrent_calls_take_the_first_complete_answer()
    {
        var calls = 0;
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            if (Interlocked.Increment(ref calls) == 1) { ctx.Response.StatusCode = 500; return; }
            await ctx.Response.WriteAsync("""{"ok":true}""");
        });
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/cc", "concurrent_calls": 3, "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }"""));

        Assert.Equal("""{"ok":true}""", await gw.Client.GetStringAsync("/cc"));
        Assert.InRange(backend.Requests.Count, 2, 3); // the third call may be cancelled before it leaves
    }
}

/// <summary>Backend encoding rss (krakend-rss / gofeed field names).</summary>
public sealed class RssTests
{
    [Fact]
    public async Task An_rss_feed_becomes_krakends_feed_object_and_can_be_filtered()
    {
        await using var feed = await FakeBackend.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/rss+xml";
            await ctx.Response.WriteAsync("""
                <?xml version="1.0"?>
                <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
                  <title>Shows</title><description>New episodes</description><language>en</language>
                  <image><url>http://x/logo.png</url></image>
                  <item><title>Ep 1</title><link>http://x/1</link><guid>g1</guid><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate>
                    <category>drama</category><enclosure url="http://x/1.mp3" length="10" type="audio/mpeg"/></item>
                  <item><title>Ep 2</title><content:encoded>full text</content:encoded></item>
                </channel></rss>
                """);
        });
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [
              { "endpoint": "/feed", "backend": [ { "host": ["{{feed.Url}}"], "url_pattern": "/", "encoding": "rss" } ] },
              { "endpoint": "/titles", "backend": [ { "host": ["{{feed.Url}}"], "url_pattern": "/", "encoding": "rss", "allow": ["title", "img_url"] } ] } ] }
            """);

        var body = await gw.Client.GetStringAsync("/feed");
        Assert.StartsWith("""{"author":null,"categories":null,"copyright":"","custom":null,"description":"New episodes","img_url":"http://x/logo.png","items":[""", body);
        Assert.Contains("""{"categories":["drama"],"enclosures":[{"length":"10","type":"audio/mpeg","url":"http://x/1.mp3"}],"guid":"g1","link":"http://x/1","links":["http://x/1"],"published":"Mon, 02 Jan 2006 15:04:05 GMT","publishedParsed":"2006-01-02T15:04:05Z","title":"Ep 1"}""", body);
        Assert.Contains("""{"content":"full text","title":"Ep 2"}""", body);
        Assert.EndsWith(""","language":"en","published":"","title":"Shows","type":"rss","updated":""}""", body);
        Assert.Equal("""{"img_url":"http://x/logo.png","title":"Shows"}""", await gw.Client.GetStringAsync("/titles"));
    }
}
