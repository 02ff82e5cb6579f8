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
}
