using System.Text.Json;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// The gateway's JSON Schema validator for callers outside a generation: <c>cuttle check --lint-schema</c> checks a
/// whole configuration document against a schema file with it. KrakenD lints with santhosh-tekuri/jsonschema, which
/// reads a schema without <c>$schema</c> as its newest draft, 2020-12 (KrakenD's own schema names draft 7).
/// </summary>
public static class JsonSchemaCheck
{
    /// <summary>The violations of <paramref name="instance"/>, empty when it conforms; throws ArgumentException for an unusable schema.</summary>
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement instance)
        => JsonSchemaValidator.Compile(schema, JsonSchemaDraft.Draft202012).Validate(instance);
}
