using System.Text.Json;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// Finds the http(s) documents a schema's <c>$ref</c>s name, the way gojsonschema's parseReferencesRecursive reads
/// them: each reference is resolved against the nearest enclosing <c>id</c> (preferred, as gojsonschema does) or
/// <c>$id</c>; the children of properties, patternProperties and dependencies are schemas but their keys are names;
/// enum and const are data. A reference that stays relative (no base) cannot be fetched, as in gojsonschema.
/// </summary>
internal static class JsonSchemaRemoteRefs
{
    /// <summary>Queues the documents to fetch into <paramref name="pending"/>, and the ids the schema itself declares into <paramref name="local"/>.</summary>
    public static void Collect(JsonElement schema, Uri? baseUri, Queue<Uri> pending, HashSet<string> local) => Walk(schema, baseUri, pending, local, 0);

    private static void Walk(JsonElement schema, Uri? baseUri, Queue<Uri> pending, HashSet<string> local, int depth)
    {
        if (depth > 512) return; // a pathological nesting; the schema build itself reports it
        switch (schema.ValueKind)
        {
            case JsonValueKind.Object:
                if ((TryString(schema, "id", out var id) || TryString(schema, "$id", out id)) && Resolve(baseUri, id) is { } scope)
                {
                    baseUri = scope;
                    local.Add(Document(scope).AbsoluteUri);
                }
                if (TryString(schema, "$ref", out var reference) && Resolve(baseUri, reference) is { } target
                    && (target.Scheme == Uri.UriSchemeHttp || target.Scheme == Uri.UriSchemeHttps) && !IsMetaSchema(target))
                    pending.Enqueue(Document(target));
                foreach (var p in schema.EnumerateObject())
                {
                    if (p.NameEquals("enum") || p.NameEquals("const") || p.NameEquals("default") || p.NameEquals("examples")) continue;
                    if ((p.NameEquals("properties") || p.NameEquals("patternProperties") || p.NameEquals("dependencies")) && p.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var named in p.Value.EnumerateObject()) Walk(named.Value, baseUri, pending, local, depth + 1);
                        continue;
                    }
                    Walk(p.Value, baseUri, pending, local, depth + 1);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in schema.EnumerateArray()) Walk(item, baseUri, pending, local, depth + 1);
                break;
        }
    }

    private static bool TryString(JsonElement schema, string name, out string value)
    {
        value = "";
        if (!schema.TryGetProperty(name, out var raw) || raw.ValueKind != JsonValueKind.String) return false;
        value = raw.GetString()!;
        return true;
    }

    private static Uri? Resolve(Uri? baseUri, string reference)
    {
        if (Uri.TryCreate(reference, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" or "urn") return absolute;
        return baseUri is not null && Uri.TryCreate(baseUri, reference, out var resolved) ? resolved : null;
    }

    private static Uri Document(Uri uri) => new(uri.GetLeftPart(UriPartial.Query));

    /// <summary>The meta-schemas are embedded in the validator: never fetched (gojsonschema embeds drafts 4, 6 and 7 too).</summary>
    private static bool IsMetaSchema(Uri uri) =>
        uri.Host == "json-schema.org" && (uri.AbsolutePath.StartsWith("/draft-0", StringComparison.Ordinal) || uri.AbsolutePath.StartsWith("/draft/", StringComparison.Ordinal));
}
