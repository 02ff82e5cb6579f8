using System.Text.Json;
using Cuttle.Gateway.Validation;

namespace Cuttle.Gateway.Tests.Validation;

public sealed class JsonSchemaValidatorTests
{
    private static List<string> Validate(string schema, string instance)
    {
        using var s = JsonDocument.Parse(schema);
        using var i = JsonDocument.Parse(instance);
        return JsonSchemaValidator.Compile(s.RootElement).Validate(i.RootElement);
    }

    [Theory]
    [InlineData("""{"type":"number"}""", "42", true)]
    [InlineData("""{"type":"number"}""", """{"foo":42}""", false)]
    [InlineData("""{"type":"integer"}""", "1.0", true)]
    [InlineData("""{"type":"integer"}""", "1.5", false)]
    [InlineData("""{"type":["string","null"]}""", "null", true)]
    [InlineData("""{"enum":[1,"a",{"x":1}]}""", """{"x":1}""", true)]
    [InlineData("""{"const":"a"}""", "\"b\"", false)]
    [InlineData("""{"minLength":2,"maxLength":3,"pattern":"^a"}""", "\"ab\"", true)]
    [InlineData("""{"pattern":"^a"}""", "\"ba\"", false)]
    [InlineData("""{"minimum":0,"exclusiveMaximum":10}""", "10", false)]
    [InlineData("""{"minimum":0,"maximum":10,"exclusiveMaximum":true}""", "10", false)]
    [InlineData("""{"multipleOf":0.5}""", "2.5", true)]
    [InlineData("""{"items":{"type":"string"},"minItems":1,"uniqueItems":true}""", """["a","b"]""", true)]
    [InlineData("""{"uniqueItems":true}""", """[1,1]""", false)]
    [InlineData("""{"anyOf":[{"type":"string"},{"minimum":5}]}""", "3", false)]
    [InlineData("""{"oneOf":[{"minimum":1},{"minimum":2}]}""", "3", false)]
    [InlineData("""{"not":{"type":"null"}}""", "1", true)]
    [InlineData("""{"definitions":{"p":{"type":"integer"}},"properties":{"n":{"$ref":"#/definitions/p"}}}""", """{"n":"x"}""", false)]
    [InlineData("""{"properties":{"a":{}},"additionalProperties":false}""", """{"a":1,"b":2}""", false)]
    [InlineData("""{"patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}""", """{"x-a":"ok"}""", true)]
    public void Keywords_behave_as_the_spec_says(string schema, string instance, bool valid) =>
        Assert.Equal(valid, Validate(schema, instance).Count == 0);

    [Fact]
    public void Errors_name_the_path_and_the_problem()
    {
        var errors = Validate("""{"type":"object","required":["name"],"properties":{"age":{"type":"integer","minimum":0}}}""", """{"age":-1}""");
        Assert.Contains("(root): name is required", errors);
        Assert.Contains(errors, e => e.StartsWith("age: Must be greater than or equal to 0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_pattern_is_refused_when_compiling()
    {
        using var s = JsonDocument.Parse("""{"pattern":"(unclosed"}""");
        Assert.Throws<ArgumentException>(() => JsonSchemaValidator.Compile(s.RootElement));
    }

    [Fact]
    public void Without_a_schema_keyword_the_schema_is_read_as_draft7_as_KrakenD_does()
    {
        // Draft 7's tuple form: the second item is refused by additionalItems.
        Assert.NotEmpty(Validate("""{"items":[{"type":"string"}],"additionalItems":false}""", """["a",1]"""));
        Assert.Empty(Validate("""{"items":[{"type":"string"}],"additionalItems":false}""", """["a"]"""));
    }

    [Fact]
    public void The_schema_keyword_picks_the_draft()
    {
        const string schema = """{"$schema":"https://json-schema.org/draft/2020-12/schema","allOf":[{"properties":{"a":{}}}],"unevaluatedProperties":false}""";
        Assert.Empty(Validate(schema, """{"a":1}"""));
        Assert.NotEmpty(Validate(schema, """{"a":1,"b":2}"""));
    }

    [Fact]
    public void A_draft4_schema_keeps_its_boolean_exclusive_bounds()
    {
        const string schema = """{"$schema":"http://json-schema.org/draft-04/schema#","minimum":0,"exclusiveMinimum":true,"maximum":10,"exclusiveMaximum":false}""";
        Assert.NotEmpty(Validate(schema, "0"));
        Assert.Empty(Validate(schema, "10"));
        Assert.Empty(Validate(schema, "0.5"));
    }

    [Fact]
    public void Format_is_asserted_as_gojsonschema_does()
    {
        Assert.NotEmpty(Validate("""{"format":"email"}""", "\"not an address\""));
        Assert.Empty(Validate("""{"format":"email"}""", "\"a@example.com\""));
        Assert.Contains("(root): Does not match format 'date-time'", Validate("""{"format":"date-time"}""", "\"yesterday\""));
    }

    [Fact]
    public void Errors_use_gojsonschema_wording()
    {
        var errors = Validate(
            """{"type":"object","required":["a","b"],"properties":{"n":{"type":"string"},"l":{"type":"array","items":{"maxLength":1}}},"additionalProperties":false}""",
            """{"n":1,"l":["xy"],"x":true}""");
        Assert.Contains("(root): a is required", errors);
        Assert.Contains("(root): b is required", errors);
        Assert.Contains("n: Invalid type. Expected: string, given: integer", errors);
        Assert.Contains("l.0: String length must be less than or equal to 1", errors);
        Assert.Contains("(root): Additional property x is not allowed", errors);
    }

    [Fact]
    public void A_ref_to_a_missing_definition_is_refused_when_compiling()
    {
        using var s = JsonDocument.Parse("""{"properties":{"a":{"$ref":"#/definitions/missing"}}}""");
        Assert.Throws<ArgumentException>(() => JsonSchemaValidator.Compile(s.RootElement));
    }

    [Fact]
    public void A_remote_ref_is_never_fetched()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            using var s = JsonDocument.Parse($$"""{"$ref":"http://127.0.0.1:{{port}}/schema.json"}""");
            Assert.Throws<ArgumentException>(() => JsonSchemaValidator.Compile(s.RootElement));
            Assert.False(listener.Pending());
        }
        finally
        {
            listener.Stop();
        }
    }

    [Theory]
    [InlineData("""{"$schema":"http://json-schema.org/draft-04/schema#","id":"http://example.com/root.json","definitions":{"n":{"type":"string"}},"properties":{"a":{"$ref":"http://example.com/root.json#/definitions/n"}}}""")]
    [InlineData("""{"$schema":"http://json-schema.org/draft-04/schema","id":"http://example.com/root.json","definitions":{"c":{"id":"code.json","type":"string"}},"properties":{"a":{"$ref":"code.json"}}}""")]
    [InlineData("""{"id":"http://example.com/root.json","definitions":{"n":{"id":"#name","type":"string"}},"properties":{"a":{"$ref":"#name"}}}""")]
    [InlineData("""{"$schema":"http://json-schema.org/draft-07/schema#","id":"http://example.com/root.json","definitions":{"n":{"type":"string"}},"properties":{"a":{"$ref":"http://example.com/root.json#/definitions/n"}}}""")]
    [InlineData("""{"properties":{"a":{"type":"string"},"id":{"type":"integer"}},"enum":[{"id":"x","a":"x"},{"a":"x"},{"a":1.5}]}""")]
    public void An_id_identifies_the_schema_as_in_gojsonschema(string schema)
    {
        Assert.Empty(Validate(schema, """{"a":"x"}"""));
        Assert.NotEmpty(Validate(schema, """{"a":1.5}"""));
    }
}
