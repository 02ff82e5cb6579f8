using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Validation;

/// <summary>Build-time wiring of validation/json-schema; the schema is compiled once per generation.</summary>
internal static class ValidationBuilder
{
    /// <summary>The extra_config namespaces this feature implements.</summary>
    public static readonly ImmutableArray<string> Namespaces = ["validation/json-schema"];

    /// <summary>CE proxy_factory.go order (outer → inner): CEL → json-schema → shadow → static → merge.</summary>
    public static IProxy WrapJsonSchema(IProxy stack, EndpointConfig endpoint)
    {
        if (endpoint.JsonSchema is { } schema) stack = new JsonSchemaProxy(stack, CompileSchema(schema, endpoint));
        return stack;
    }

    private static JsonSchemaValidator CompileSchema(System.Text.Json.JsonElement schema, EndpointConfig endpoint)
    {
        try
        {
            return JsonSchemaValidator.Compile(schema);
        }
        catch (ArgumentException ex)
        {
            throw new GatewayBuildException($"endpoint {endpoint.Method} {endpoint.Endpoint}: invalid validation/json-schema ({endpoint.Location}): {ex.Message}");
        }
    }
}
