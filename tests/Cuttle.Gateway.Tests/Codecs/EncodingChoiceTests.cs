using System.Net;
using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Codecs;

/// <summary>
/// A backend's decoder and an endpoint's renderer are chosen once, when the generation is built, from
/// <c>encoding</c> and <c>output_encoding</c>; a generation served in memory answers with each as KrakenD does,
/// and a name KrakenD does not know falls back to JSON (lura's decoder and render registers do).
/// </summary>
public sealed class EncodingChoiceTests
{
    private const string Host = "http://backend.test";

    private static string Config(string backendMore, string endpointMore = "") => $$"""
        { "version": 3, "endpoints": [ { "endpoint": "/e", {{endpointMore}}
          "backend": [ { "host": ["{{Host}}"], "url_pattern": "/b" {{backendMore}} } ] } ] }
        """;

    private static HttpResponseMessage Body(string body, string contentType) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, contentType) };

    private static async Task<(int Status, string ContentType, string Body, string Completed)> ServeOnce(string config, HttpResponseMessage answer,
        params (string Name, string Value)[] headers)
    {
        var backend = new InMemoryBackend(_ => answer);
        await using var generation = Build(config, backend);
        var (status, responseHeaders, body) = await Serve(generation, "GET", "/e", headers);
        return (status, responseHeaders.ContentType.ToString(), body, responseHeaders["X-Krakend-Completed"].ToString());
    }

    [Theory]
    // json: an object root; null is an empty object; with is_collection the array goes under "collection".
    [InlineData("", """{"a":1}""", """{"a":1}""")]
    [InlineData(""", "encoding": "json" """, """{"a":1}""", """{"a":1}""")]
    [InlineData(""", "encoding": "json" """, "null", "{}")]
    [InlineData(""", "encoding": "json", "is_collection": true """, "[1,2]", """{"collection":[1,2]}""")]
    // safejson: an object as is, an array under "collection", a scalar under "content".
    [InlineData(""", "encoding": "safejson" """, """{"a":1}""", """{"a":1}""")]
    [InlineData(""", "encoding": "safejson" """, "[1,2]", """{"collection":[1,2]}""")]
    [InlineData(""", "encoding": "safejson" """, "\"x\"", """{"content":"x"}""")]
    [InlineData(""", "encoding": "safejson", "is_collection": true """, """{"a":1}""", """{"a":1}""")]
    // string: the whole body as text under "content".
    [InlineData(""", "encoding": "string" """, "hello {", """{"content":"hello {"}""")]
    // xml: the document's elements; with is_collection, under "collection".
    [InlineData(""", "encoding": "xml" """, "<doc><a>1</a><b>x</b></doc>", """{"doc":{"a":"1","b":"x"}}""")]
    [InlineData(""", "encoding": "xml", "is_collection": true """, "<doc><a>1</a></doc>", """{"collection":{"doc":{"a":"1"}}}""")]
    // A name KrakenD does not know decodes as json.
    [InlineData(""", "encoding": "made-up" """, """{"a":1}""", """{"a":1}""")]
    [InlineData(""", "encoding": "made-up", "is_collection": true """, "[1]", """{"collection":[1]}""")]
    public async Task Each_backend_encoding_decodes_with_its_own_decoder(string backendMore, string body, string expected)
    {
        var (status, contentType, answer, completed) = await ServeOnce(Config(backendMore), Body(body, "application/octet-stream"));

        // Completed only with data: a null body decodes to an empty map, which KrakenD answers as {} not completed.
        Assert.Equal((200, "application/json; charset=utf-8", expected == "{}" ? "false" : "true"), (status, contentType, completed));
        Assert.Equal(expected, answer);
    }

    [Theory]
    [InlineData("", "[1]")] // json wants an object
    [InlineData(""", "encoding": "json", "is_collection": true """, """{"a":1}""")] // a collection wants an array
    [InlineData(""", "encoding": "made-up" """, "[1]")] // unknown is json, errors included
    [InlineData(""", "encoding": "xml" """, "<doc><a>")] // broken XML
    public async Task A_body_its_decoder_refuses_is_a_failed_backend(string backendMore, string body)
    {
        var (status, _, answer, completed) = await ServeOnce(Config(backendMore), Body(body, "application/octet-stream"));

        Assert.Equal((500, "", "false"), (status, answer, completed));
    }

    [Fact]
    public async Task Rss_is_decoded_into_its_channel_fields()
    {
        const string rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://x.test/</link><item><title>I</title></item></channel></rss>""";

        var (status, _, answer, _) = await ServeOnce(Config(""", "encoding": "rss" """), Body(rss, "application/rss+xml"));

        Assert.Equal(200, status);
        using var doc = System.Text.Json.JsonDocument.Parse(answer);
        Assert.Equal("T", doc.RootElement.GetProperty("title").GetString());
        Assert.Equal("I", doc.RootElement.GetProperty("items")[0].GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_no_op_backend_under_a_json_endpoint_keeps_no_data()
    {
        var (status, _, answer, completed) = await ServeOnce(Config(""", "encoding": "no-op" """), Body("""{"a":1}""", "application/json"));

        Assert.Equal((200, "{}", "false"), (status, answer, completed));
    }

    [Theory]
    [InlineData("json", "", "application/json; charset=utf-8", """{"a":"x"}""")]
    [InlineData("made-up", "", "application/json; charset=utf-8", """{"a":"x"}""")]
    [InlineData("xml", "", "application/xml", "<a>x</a>")]
    [InlineData("yaml", "", "application/yaml; charset=utf-8", "a: x\n")]
    [InlineData("negotiate", "", "application/json; charset=utf-8", """{"a":"x"}""")]
    [InlineData("negotiate", "text/xml", "application/xml; charset=utf-8", "<a>x</a>")]
    [InlineData("negotiate", "text/plain", "application/yaml; charset=utf-8", "a: x\n")]
    [InlineData("negotiate", "application/json, text/xml", "application/json; charset=utf-8", """{"a":"x"}""")]
    public async Task Each_output_encoding_renders_with_its_own_renderer(string outputEncoding, string accept, string contentType, string expected)
    {
        var config = Config("", $""" "output_encoding": "{outputEncoding}", """);
        (string, string)[] headers = accept.Length > 0 ? [("Accept", accept)] : [];

        var (status, type, answer, _) = await ServeOnce(config, Body("""{"a":"x"}""", "application/json"), headers);

        Assert.Equal((200, contentType), (status, type));
        Assert.Equal(expected, answer);
    }

    [Fact]
    public async Task String_output_writes_the_content_field_as_text()
    {
        var config = Config(""", "encoding": "string" """, """ "output_encoding": "string", """);

        var (status, type, answer, _) = await ServeOnce(config, Body("plain <text>", "text/plain"));

        Assert.Equal((200, "text/plain; charset=utf-8", "plain <text>"), (status, type, answer));
    }

    [Fact]
    public async Task Json_collection_output_writes_the_collection_array()
    {
        var config = Config(""", "is_collection": true """, """ "output_encoding": "json-collection", """);

        var (status, type, answer, _) = await ServeOnce(config, Body("[1,{\"b\":2}]", "application/json"));

        Assert.Equal((200, "application/json; charset=utf-8", """[1,{"b":2}]"""), (status, type, answer));
    }

    [Fact]
    public void The_choice_is_made_once_and_shared_one_decoder_per_encoding()
    {
        var json = BackendDecoder.For(Encodings.Json, isCollection: false);

        Assert.Same(json, BackendDecoder.For("made-up", isCollection: false));
        Assert.Same(json, BackendDecoder.For(Encodings.NoOp, isCollection: false));
        Assert.NotSame(json, BackendDecoder.For(Encodings.Json, isCollection: true));
        Assert.NotSame(json, BackendDecoder.For(Encodings.SafeJson, isCollection: false));
        Assert.Same(BackendDecoder.For(Encodings.SafeJson, isCollection: false), BackendDecoder.For(Encodings.SafeJson, isCollection: true));
        Assert.NotSame(BackendDecoder.For(Encodings.Xml, isCollection: false), BackendDecoder.For(Encodings.Xml, isCollection: true));
        Assert.Same(BackendDecoder.For(Encodings.String, isCollection: false), BackendDecoder.For(Encodings.String, isCollection: true));

        var jsonRender = ResponseRenderer.For(Encodings.Json);
        Assert.Same(jsonRender, ResponseRenderer.For("made-up"));
        Assert.Same(jsonRender, ResponseRenderer.For(""));
        foreach (var name in new[] { Encodings.Xml, Encodings.Yaml, Encodings.String, Encodings.JsonCollection, Encodings.Negotiate })
            Assert.NotSame(jsonRender, ResponseRenderer.For(name));
    }

    [Fact]
    public void A_decoder_given_a_formatter_hands_it_a_json_object_straight_from_the_document()
    {
        using var scope = new RequestScope();
        var seen = 0;
        Dictionary<string, object?> Format(System.Text.Json.JsonElement e) { seen++; return new() { ["n"] = e.GetProperty("a").GetInt32() }; }

        var data = BackendDecoder.For(Encodings.SafeJson, isCollection: false).Decode("{\"a\":3}"u8.ToArray(), scope, Format, out var error, out var formatted);

        Assert.Null(error);
        Assert.True(formatted);
        Assert.Equal((1, 3), (seen, data!["n"]));
        Assert.False(BackendDecoder.For(Encodings.Json, isCollection: true).Decode("[{\"a\":3}]"u8.ToArray(), scope, Format, out _, out formatted) is null);
        Assert.False(formatted);
    }
}
