using System.Text.Json;
using Json.Schema;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// A JSON Schema compiled once (per endpoint and generation) on JsonSchema.Net, which implements drafts 6, 7,
/// 2019-09 and 2020-12 in full on System.Text.Json without reflection. KrakenD CE validates with xeipuuv/gojsonschema
/// (krakend-jsonschema's go.mod), so the choices below follow it: a schema without <c>$schema</c> is read as draft 7
/// (the newest draft gojsonschema knows; its "hybrid" default also takes draft 4's boolean exclusive bounds, which
/// <see cref="Draft4Upgrade"/> rewrites), <c>format</c> is asserted (gojsonschema checks formats), and the problems are
/// worded as gojsonschema's ResultError strings ("field: description", see <see cref="JsonSchemaErrors"/>).
/// The library never fetches: every build gets its own registry whose Fetch answers nothing, so a schema can only reach
/// itself, the meta-schemas the library embeds, and documents handed to <see cref="Compile"/> (the remote documents
/// <see cref="RemoteSchemaDocuments"/> fetched at build time, as gojsonschema fetches them when it loads a schema).
/// </summary>
internal sealed class JsonSchemaValidator
{
    /// <summary>gojsonschema asserts <c>format</c>; JsonSchema.Net only annotates it unless told to.</summary>
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly JsonSchema _schema;
    private readonly JsonElement _root;

    private JsonSchemaValidator(JsonSchema schema, JsonElement root)
    {
        _schema = schema;
        _root = root;
    }

    /// <summary>
    /// Builds the schema; throws ArgumentException when it is unusable (not an object or boolean, an unknown
    /// <c>$schema</c>, an unresolvable <c>$ref</c>, a bad regular expression...). <paramref name="defaultDraft"/>
    /// replaces draft 7 for schemas without <c>$schema</c>; <paramref name="documents"/> are the only documents a
    /// <c>$ref</c> outside the schema may name.
    /// </summary>
    public static JsonSchemaValidator Compile(JsonElement schema, JsonSchemaDraft defaultDraft = JsonSchemaDraft.Draft7, IReadOnlyDictionary<Uri, JsonElement>? documents = null)
    {
        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
            throw new ArgumentException("a JSON schema must be an object or a boolean");
        var root = Draft4Upgrade.Apply(schema.Clone(), out var draft4);
        var registry = new SchemaRegistry { Fetch = static (_, _) => null };
        var options = new BuildOptions
        {
            Dialect = draft4 || defaultDraft == JsonSchemaDraft.Draft7 ? Dialect.Draft07 : Dialect.Draft202012,
            SchemaRegistry = registry,
        };
        try
        {
            // Building a document registers it (its anchors and embedded $ids too) in the build's own registry.
            if (documents is not null)
                foreach (var (uri, document) in documents)
                    if (document.ValueKind is JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False)
                        // Each document is read in its own draft (a draft 4 one has its id and bounds rewritten too).
                        registry.Register(uri, JsonSchema.Build(Draft4Upgrade.Apply(document, out _), options, uri)); // also under its address when its $id differs
            var built = JsonSchema.Build(root, options);
            if (root.ValueKind == JsonValueKind.Object) JsonSchemaRefs.Check(root, built.BaseUri, documents);
            return new JsonSchemaValidator(built, root);
        }
        catch (Exception ex) when (ex is JsonSchemaException or RefResolutionException or ArgumentException or InvalidOperationException
                                       or FormatException or KeyNotFoundException or NotSupportedException or JsonException)
        {
            throw new ArgumentException(ex.Message, ex);
        }
    }

    /// <summary>Validates an instance; returns the problems as "field: description" (empty when valid).</summary>
    public List<string> Validate(JsonElement instance)
    {
        EvaluationResults results;
        var errors = new List<string>();
        try
        {
            results = _schema.Evaluate(instance, Evaluation);
        }
        catch (Exception ex) when (ex is RefResolutionException or JsonSchemaException)
        {
            // A $ref the build could not check (an anchor in another document): the body cannot be validated.
            errors.Add("(root): " + ex.Message);
            return errors;
        }
        if (results.IsValid) return errors;
        JsonSchemaErrors.Collect(results, _root, _schema.BaseUri, instance, errors);
        if (errors.Count == 0) errors.Add("(root): does not validate against the schema");
        return errors;
    }
}
