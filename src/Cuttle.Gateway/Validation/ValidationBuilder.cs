using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Diagnostics;
using Cuttle.Gateway.Proxy;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Validation;

/// <summary>Build-time wiring of validation/json-schema; the schema is compiled once per generation.</summary>
internal static partial class ValidationBuilder
{
    /// <summary>The extra_config namespaces this feature implements.</summary>
    public static readonly ImmutableArray<string> Namespaces = ["validation/json-schema"];

    /// <summary>
    /// CE proxy_factory.go order (outer → inner): CEL → json-schema → shadow → static → merge. A schema that does not
    /// compile (or whose remote <c>$ref</c> cannot be fetched) does not stop the build: krakend-jsonschema's
    /// ProxyFactory logs "Parsing the definition" and returns the pipe without the validator, so the endpoint serves
    /// every body. Cuttle does the same; <c>cuttle check</c> reports it as a warning with the endpoint's position.
    /// </summary>
    public static IProxy WrapJsonSchema(IProxy stack, EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.JsonSchema is not { } schema) return stack;
        try
        {
            return new JsonSchemaProxy(stack, Compile(schema, context.RemoteSchemas));
        }
        catch (ArgumentException ex)
        {
            Log.SchemaNotCompiled(context.Logger, endpoint.Endpoint, ex.Message);
            return stack;
        }
    }

    /// <summary>Compiles a schema with its remote documents fetched; throws ArgumentException when it is unusable.</summary>
    internal static JsonSchemaValidator Compile(System.Text.Json.JsonElement schema, RemoteSchemaDocuments remote)
    {
        var documents = remote.Resolve(schema);
        return JsonSchemaValidator.Compile(schema, documents: documents.Count == 0 ? null : documents);
    }

    private static partial class Log
    {
        // krakend-jsonschema's wording: "[ENDPOINT: /x][JSONSchema] Parsing the definition:<error>", at error level.
        [LoggerMessage(EventId = EventIds.JsonSchemaNotCompiled, Level = LogLevel.Error, Message = "[ENDPOINT: {Endpoint}][JSONSchema] Parsing the definition: {Error}; the endpoint validates nothing")]
        public static partial void SchemaNotCompiled(ILogger logger, string endpoint, string error);
    }
}
