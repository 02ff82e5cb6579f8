using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// gojsonschema (KrakenD CE's validator) reads draft 4 schemas, and without <c>$schema</c> takes draft 4's boolean
/// <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c> beside the later numeric form. JsonSchema.Net starts at draft 6,
/// so such a schema is rewritten once at build time into its draft 6+ equivalent: <c>"maximum": m,
/// "exclusiveMaximum": true</c> becomes <c>"exclusiveMaximum": m</c>, a false flag is dropped, and a draft 4
/// <c>$schema</c> is removed (the schema is then read as draft 7, whose other keywords draft 4 shares). Draft 4 names a
/// schema's identifier <c>id</c>, draft 6 renamed it <c>$id</c>. gojsonschema detects drafts 4, 6 and 7 from
/// <c>$schema</c> (http, with or without the trailing '#'; anything else is its "hybrid" mode), and whatever the draft
/// its reference pool (schemaPool.parseReferencesRecursive) takes a string <c>id</c> first, then <c>$id</c>, as the
/// scope $refs resolve against. So a string <c>id</c> in a schema position becomes <c>$id</c> in every document.
/// </summary>
internal static class Draft4Upgrade
{
    private const string Draft4 = "json-schema.org/draft-04/schema";

    public static JsonElement Apply(JsonElement schema, out bool wasDraft4)
    {
        wasDraft4 = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$schema", out var s)
            && s.ValueKind == JsonValueKind.String && s.GetString()!.Contains(Draft4, StringComparison.Ordinal);
        if (!wasDraft4 && !HasBooleanBound(schema) && !HasId(schema)) return schema;

        var node = JsonNode.Parse(schema.GetRawText())!;
        if (wasDraft4) node.AsObject().Remove("$schema");
        Rewrite(node);
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }

    private static bool HasBooleanBound(JsonElement schema)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in schema.EnumerateObject())
                {
                    if (IsValueKeyword(p.Name)) continue;
                    if ((p.NameEquals("exclusiveMinimum") || p.NameEquals("exclusiveMaximum")) && p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False) return true;
                    if (HasBooleanBound(p.Value)) return true;
                }
                return false;
            case JsonValueKind.Array:
                foreach (var item in schema.EnumerateArray()) if (HasBooleanBound(item)) return true;
                return false;
            default:
                return false;
        }
    }

    private static bool HasId(JsonElement schema)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in schema.EnumerateObject())
                {
                    if (IsValueKeyword(p.Name)) continue;
                    if (p.NameEquals("id") && p.Value.ValueKind == JsonValueKind.String) return true;
                    if (HasId(p.Value)) return true;
                }
                return false;
            case JsonValueKind.Array:
                foreach (var item in schema.EnumerateArray()) if (HasId(item)) return true;
                return false;
            default:
                return false;
        }
    }

    private static void Rewrite(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array) Rewrite(item);
            return;
        }
        if (node is not JsonObject obj) return;
        Bound(obj, "exclusiveMinimum", "minimum");
        Bound(obj, "exclusiveMaximum", "maximum");
        // A string: a property named "id" under "properties" holds a schema (an object), never a string.
        if (obj["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String)
        {
            obj.Remove("id");
            obj.Remove("$id");
            // First: JsonSchema.Net reads an object's keywords in order, and a $ref to the document's own address met
            // before its $id registers the document twice ("Overwriting registered schemas is not permitted").
            obj.Insert(0, "$id", id);
        }
        foreach (var (name, child) in obj)
            if (!IsValueKeyword(name)) Rewrite(child);
    }

    private static void Bound(JsonObject obj, string exclusive, string inclusive)
    {
        if (obj[exclusive] is not JsonValue flag || flag.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) return;
        obj.Remove(exclusive);
        if (flag.GetValueKind() == JsonValueKind.True && obj[inclusive] is JsonValue bound && bound.GetValueKind() == JsonValueKind.Number)
        {
            obj.Remove(inclusive);
            obj[exclusive] = bound;
        }
    }

    /// <summary>Keywords whose value is data, not a schema: a boolean inside them is no bound.</summary>
    private static bool IsValueKeyword(string name) => name is "enum" or "const" or "default" or "examples";
}
