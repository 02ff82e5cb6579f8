using Cuttle.Config.Model;
using Cuttle.Gateway.Proxy;
using Cuttle.Gateway.Validation;

namespace Cuttle.Gateway;

public static partial class GenerationBuilder
{
    /// <summary>CE proxy_factory.go order (outer → inner): CEL → json-schema → shadow → static → merge.</summary>
    private static IProxy WrapValidation(IProxy stack, EndpointConfig endpoint)
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
