using System.Net;
using System.Text;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// validation/json-schema where Cuttle once differed from KrakenD CE (krakend-jsonschema on gojsonschema), through the
/// real gateway: a schema that does not compile is logged and the endpoint serves unvalidated; draft 4's <c>id</c>
/// identifies a schema; remote <c>$ref</c>s are fetched when the generation is built, once per document.
/// </summary>
public sealed class JsonSchemaKrakenDParityTests
{
    private static string Config(string backendUrl, params (string Path, string Schema)[] endpoints)
    {
        var list = new StringBuilder();
        foreach (var (path, schema) in endpoints)
        {
            if (list.Length > 0) list.Append(',');
            list.Append($$"""
                { "endpoint": "{{path}}", "method": "POST",
                  "extra_config": { "validation/json-schema": {{schema}} },
                  "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/ok" } ] }
                """);
        }
        return $$"""{ "version": 3, "endpoints": [ {{list}} ] }""";
    }

    private static async Task<HttpStatusCode> Post(GatewayHarness gateway, string path, string body)
    {
        using var response = await gateway.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    [Fact]
    public async Task A_schema_that_does_not_compile_leaves_the_endpoint_serving_without_validation()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        // An unresolvable $ref (gojsonschema: "Object has no key 'missing'") next to a valid endpoint.
        await using var gateway = await GatewayHarness.StartAsync(Config(backend.Url,
            ("/broken", """{ "type": "object", "properties": { "a": { "$ref": "#/definitions/missing" } } }"""),
            ("/fine", """{ "type": "object", "required": ["a"] }""")));

        Assert.Equal(HttpStatusCode.OK, await Post(gateway, "/broken", "{\"a\":1}"));
        Assert.Equal(HttpStatusCode.OK, await Post(gateway, "/broken", "[1,2]"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(gateway, "/fine", "{}"));
    }

    [Fact]
    public async Task A_draft4_id_identifies_the_schema_its_refs_name()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        const string schema = """
            { "$schema": "http://json-schema.org/draft-04/schema#", "id": "http://example.com/root.json",
              "definitions": { "name": { "type": "string", "minLength": 3 }, "code": { "id": "code.json", "type": "integer", "maximum": 9 } },
              "type": "object", "required": ["name"],
              "properties": { "name": { "$ref": "http://example.com/root.json#/definitions/name" }, "code": { "$ref": "code.json" },
                              "id": { "type": "string" } } }
            """;
        await using var gateway = await GatewayHarness.StartAsync(Config(backend.Url, ("/v", schema)));

        Assert.Equal(HttpStatusCode.OK, await Post(gateway, "/v", "{\"name\":\"abcd\",\"code\":3,\"id\":\"x\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(gateway, "/v", "{\"name\":\"ab\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(gateway, "/v", "{\"name\":\"abcd\",\"code\":10}"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(gateway, "/v", "{\"name\":\"abcd\",\"id\":1}"));
    }

    [Fact]
    public async Task A_remote_ref_is_fetched_once_per_generation_and_validates()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var schemas = await FakeBackend.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/schema+json";
            if (ctx.Request.Path == "/name.json")
                await ctx.Response.WriteAsync("""{ "type": "string", "minLength": 3, "not": { "$ref": "forbidden.json" } }""");
            else if (ctx.Request.Path == "/forbidden.json")
                await ctx.Response.WriteAsync("""{ "enum": ["root"] }""");
            else
                ctx.Response.StatusCode = 404;
        });
        var schema = $$"""{ "type": "object", "required": ["name"], "properties": { "name": { "$ref": "{{schemas.Url}}/name.json" } } }""";
        await using var gateway = await GatewayHarness.StartAsync(Config(backend.Url, ("/a", schema), ("/b", schema)));

        Assert.Equal(HttpStatusCode.OK, await Post(gateway, "/a", "{\"name\":\"alice\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(gateway, "/a", "{\"name\":\"al\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(gateway, "/b", "{\"name\":\"root\"}"));
        // Two endpoints, two documents (one referenced from the other): each fetched once for the generation.
        Assert.Equal(["/forbidden.json", "/name.json"], schemas.Requests.Select(r => r.PathAndQuery).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_remote_ref_that_cannot_be_fetched_leaves_the_endpoint_serving_without_validation()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var schemas = await FakeBackend.JsonAsync("{}", status: 404);
        var schema = $$"""{ "type": "object", "required": ["name"], "properties": { "name": { "$ref": "{{schemas.Url}}/name.json" } } }""";
        await using var gateway = await GatewayHarness.StartAsync(Config(backend.Url, ("/a", schema)));

        Assert.Equal(HttpStatusCode.OK, await Post(gateway, "/a", "{}"));
        Assert.Single(schemas.Requests);
    }

    [Fact]
    public async Task A_remote_ref_streamed_past_the_size_bound_is_refused_whatever_it_declares()
    {
        // A hostile schema server: no Content-Length, a valid document that only ends after 5 MiB. The bound is on what
        // arrived, so the fetch fails and the endpoint serves unvalidated; read whole, "type": "string" would refuse 5.
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var schemas = await FakeBackend.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/schema+json";
            await ctx.Response.WriteAsync("{ \"type\": \"string\", \"description\": \"");
            var filler = new string('x', 64 * 1024);
            for (var i = 0; i < 80; i++) await ctx.Response.WriteAsync(filler);
            await ctx.Response.WriteAsync("\" }");
        });
        var schema = $$"""{ "type": "object", "properties": { "name": { "$ref": "{{schemas.Url}}/big.json" } } }""";
        await using var gateway = await GatewayHarness.StartAsync(Config(backend.Url, ("/a", schema)));

        Assert.Equal(HttpStatusCode.OK, await Post(gateway, "/a", "{\"name\":5}"));
        Assert.Single(schemas.Requests);
    }
}
