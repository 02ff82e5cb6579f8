using System.Text.Json;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// The gateway's JSON Schema validator for callers outside a generation: <c>cuttle check --lint-schema</c> checks a
/// whole configuration document against a schema file with it.
/// </summary>
public static class JsonSchemaCheck
{
    /// <summary>The violations of <paramref name="instance"/>, empty when it conforms; throws ArgumentException for an unusable schema.</summary>
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement instance)
        => JsonSchemaValidator.Compile(schema).Validate(instance);
}
