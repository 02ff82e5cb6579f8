using System.Globalization;
using System.Text.Json;
using Json.Schema;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// Turns JsonSchema.Net's list output into the lines KrakenD answers with: gojsonschema's ResultError.String(),
/// "field: description", the field dotted ("address.lines.0") and the root named "(root)", the descriptions in
/// gojsonschema's English wording for the keywords real configs use. A keyword it has no wording for keeps the
/// library's message.
/// </summary>
internal static class JsonSchemaErrors
{
    public static void Collect(EvaluationResults results, JsonElement root, Uri? rootUri, JsonElement instance, List<string> errors)
    {
        if (results.Details is { } details)
            foreach (var d in details) Add(d, root, rootUri, instance, errors);
        Add(results, root, rootUri, instance, errors);
    }

    private static void Add(EvaluationResults unit, JsonElement root, Uri? rootUri, JsonElement instance, List<string> errors)
    {
        if (unit.Errors is not { Count: > 0 } messages) return;
        var location = unit.InstanceLocation.ToString();
        // The library's schema location is off under some applicators ("#/properties/l/items/l"); without a $ref on
        // the way, the evaluation path is the location, and Describe falls back to it.
        var located = Resolve(root, rootUri, unit.SchemaLocation);
        foreach (var (keyword, message) in messages)
        {
            var schema = located is { ValueKind: JsonValueKind.Object } l && l.TryGetProperty(keyword, out _) ? located : EvaluationPathSchema(unit, root) ?? located;
            if (keyword == "required" && schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array
                && Resolve(instance, location) is { ValueKind: JsonValueKind.Object } obj)
            {
                // gojsonschema reports each missing property on its own line.
                foreach (var r in required.EnumerateArray())
                    if (r.ValueKind == JsonValueKind.String && !obj.TryGetProperty(r.GetString()!, out _))
                        errors.Add($"{Field(location)}: {r.GetString()} is required");
                continue;
            }
            if (keyword == "$false" || (keyword.Length == 0 && schema is { ValueKind: JsonValueKind.False }) || message.Contains("false schema", StringComparison.OrdinalIgnoreCase))
            {
                var path = unit.EvaluationPath.ToString();
                if (path.EndsWith("/additionalProperties", StringComparison.Ordinal) && location.LastIndexOf('/') is var slash and >= 0)
                {
                    errors.Add($"{Field(location[..slash])}: Additional property {Unescape(location[(slash + 1)..])} is not allowed");
                    continue;
                }
                errors.Add($"{Field(location)}: False always fails validation");
                continue;
            }
            errors.Add($"{Field(location)}: {Describe(keyword, schema, instance, location) ?? message}");
        }
    }

    private static JsonElement? EvaluationPathSchema(EvaluationResults unit, JsonElement root) =>
        unit.EvaluationPath.ToString() is var path && !path.Contains("Ref", StringComparison.Ordinal) ? Resolve(root, path) : null;

    private static string? Describe(string keyword, JsonElement? schema, JsonElement instance, string location)
    {
        JsonElement value = default;
        if (schema is not { ValueKind: JsonValueKind.Object } s || !s.TryGetProperty(keyword, out value)) value = default;
        var raw = value.ValueKind == JsonValueKind.Undefined ? null : value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        return keyword switch
        {
            "type" when raw is not null => $"Invalid type. Expected: {raw}, given: {Kind(Resolve(instance, location))}",
            "enum" when raw is not null => $"{Field(location)} must be one of the following: {Join(value)}",
            "const" when raw is not null => $"{Field(location)} does not match: {raw}",
            "minLength" when raw is not null => $"String length must be greater than or equal to {raw}",
            "maxLength" when raw is not null => $"String length must be less than or equal to {raw}",
            "pattern" when raw is not null => $"Does not match pattern '{raw}'",
            "format" when raw is not null => $"Does not match format '{raw}'",
            "minimum" when raw is not null => $"Must be greater than or equal to {raw}",
            "maximum" when raw is not null => $"Must be less than or equal to {raw}",
            "exclusiveMinimum" when raw is not null => $"Must be greater than {raw}",
            "exclusiveMaximum" when raw is not null => $"Must be less than {raw}",
            "multipleOf" when raw is not null => $"Must be a multiple of {raw}",
            "minItems" when raw is not null => $"Array must have at least {raw} items",
            "maxItems" when raw is not null => $"Array must have at most {raw} items",
            "uniqueItems" => "array items must be unique",
            "minProperties" when raw is not null => $"Must have at least {raw} properties",
            "maxProperties" when raw is not null => $"Must have at most {raw} properties",
            "anyOf" => "Must validate at least one schema (anyOf)",
            "oneOf" => "Must validate one and only one schema (oneOf)",
            "allOf" => "Must validate all the schemas (allOf)",
            "not" => "Must not validate the schema (not)",
            "contains" => "At least one of the items must match",
            _ => null,
        };
    }

    private static string Join(JsonElement values)
    {
        if (values.ValueKind != JsonValueKind.Array) return values.GetRawText();
        var parts = new List<string>();
        foreach (var v in values.EnumerateArray()) parts.Add(v.GetRawText());
        return string.Join(", ", parts);
    }

    /// <summary>"/a/0" → "a.0", "" → "(root)": gojsonschema's field names.</summary>
    private static string Field(string pointer)
    {
        if (pointer.Length == 0 || pointer == "#" || pointer == "/") return "(root)";
        var segments = pointer.TrimStart('#').TrimStart('/').Split('/');
        for (var i = 0; i < segments.Length; i++) segments[i] = Unescape(segments[i]);
        return string.Join('.', segments);
    }

    private static string Unescape(string segment) =>
        segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    /// <summary>The subschema a result came from, when it lies in the endpoint's own schema document.</summary>
    private static JsonElement? Resolve(JsonElement root, Uri? rootUri, Uri? schemaLocation)
    {
        if (schemaLocation is null || rootUri is null) return null;
        if (!string.Equals(schemaLocation.GetLeftPart(UriPartial.Query), rootUri.GetLeftPart(UriPartial.Query), StringComparison.Ordinal)) return null;
        var fragment = schemaLocation.Fragment;
        return Resolve(root, fragment.Length > 0 ? Uri.UnescapeDataString(fragment[1..]) : "");
    }

    private static JsonElement? Resolve(JsonElement root, string pointer)
    {
        var current = root;
        if (pointer.Length == 0) return current;
        if (pointer[0] != '/') return null;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = Unescape(raw);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var next)) current = next;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < current.GetArrayLength()) current = current[i];
            else return null;
        }
        return current;
    }

    private static string Kind(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => IsInteger(value.Value) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static bool IsInteger(JsonElement value)
    {
        if (value.TryGetInt64(out _)) return true;
        var d = value.GetDouble();
        return Math.Floor(d) == d && !double.IsInfinity(d);
    }
}
