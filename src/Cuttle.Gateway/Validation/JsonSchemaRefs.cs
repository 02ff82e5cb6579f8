using System.Text.Json;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// JsonSchema.Net resolves a <c>$ref</c> when evaluation first reaches it, so a schema naming a missing definition
/// or a document on the network would build fine and then fail requests. gojsonschema resolves (and fetches) every
/// reference when the schema is loaded; Cuttle checks them at build time the same way: a reference must land in the
/// schema itself, in a document handed to the build (the remote ones fetched), or in a meta-schema the library embeds.
/// </summary>
internal static class JsonSchemaRefs
{
    public static void Check(JsonElement root, Uri baseUri, IReadOnlyDictionary<Uri, JsonElement>? documents)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var nestedIds = false;
        CollectIds(root, baseUri, ids, ref nestedIds, depth: 0);
        if (documents is not null)
        {
            var ignored = false;
            foreach (var (uri, document) in documents)
            {
                ids.Add(uri.GetLeftPart(UriPartial.Query));
                CollectIds(document, uri, ids, ref ignored, depth: 0);
            }
        }
        CheckRefs(root, root, baseUri, ids, nestedIds);
    }

    private static void CollectIds(JsonElement schema, Uri baseUri, HashSet<string> ids, ref bool nested, int depth)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.Object:
                // A $id is resolved against the nearest enclosing one.
                if ((schema.TryGetProperty("$id", out var raw) || schema.TryGetProperty("id", out raw)) && raw.ValueKind == JsonValueKind.String
                    && Uri.TryCreate(baseUri, raw.GetString(), out var id))
                {
                    ids.Add(id.GetLeftPart(UriPartial.Query));
                    if (depth > 0) nested = true;
                    baseUri = id;
                }
                foreach (var p in schema.EnumerateObject())
                    if (!IsValueKeyword(p.Name)) CollectIds(p.Value, baseUri, ids, ref nested, depth + 1);
                break;
            case JsonValueKind.Array:
                foreach (var item in schema.EnumerateArray()) CollectIds(item, baseUri, ids, ref nested, depth + 1);
                break;
        }
    }

    private static void CheckRefs(JsonElement schema, JsonElement root, Uri baseUri, HashSet<string> ids, bool nestedIds)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in schema.EnumerateObject())
                {
                    if (IsValueKeyword(p.Name)) continue;
                    if (p.NameEquals("$ref") && p.Value.ValueKind == JsonValueKind.String) CheckRef(p.Value.GetString()!, root, baseUri, ids, nestedIds);
                    CheckRefs(p.Value, root, baseUri, ids, nestedIds);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in schema.EnumerateArray()) CheckRefs(item, root, baseUri, ids, nestedIds);
                break;
        }
    }

    private static void CheckRef(string reference, JsonElement root, Uri baseUri, HashSet<string> ids, bool nestedIds)
    {
        if (reference.StartsWith('#'))
        {
            // A pointer into the schema itself; with nested $ids the pointer may be relative to one of them, which the
            // library resolves: only the plain case is checked here.
            if (reference.Length > 1 && reference[1] == '/' && !nestedIds && !PointsInto(root, Uri.UnescapeDataString(reference[1..])))
                throw new ArgumentException($"$ref {reference} points at nothing in the schema");
            return;
        }
        if (nestedIds && !Uri.IsWellFormedUriString(reference, UriKind.Absolute)) return; // relative to a nested $id
        if (!Uri.TryCreate(baseUri, reference, out var target))
            throw new ArgumentException($"$ref {reference} is not a valid URI reference");
        var document = target.GetLeftPart(UriPartial.Query);
        // The meta-schemas are embedded in the library. Asking its registries whether a document is there is not
        // used: a lookup builds and registers what it finds, which changes how $dynamicRef resolves afterwards.
        if (ids.Contains(document) || IsMetaSchema(document)) return;
        throw new ArgumentException($"$ref {reference} names a document outside the schema that could not be fetched (only absolute http(s) references are)");
    }

    private static bool IsMetaSchema(string document) =>
        document.StartsWith("http://json-schema.org/draft-0", StringComparison.Ordinal)
        || document.StartsWith("https://json-schema.org/draft/", StringComparison.Ordinal);

    private static bool PointsInto(JsonElement current, string pointer)
    {
        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var next)) current = next;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < current.GetArrayLength()) current = current[i];
            else return false;
        }
        return true;
    }

    private static bool IsValueKeyword(string name) => name is "enum" or "const" or "default" or "examples";
}
