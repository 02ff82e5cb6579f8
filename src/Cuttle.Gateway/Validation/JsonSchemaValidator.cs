using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// A JSON Schema validator (drafts 4 to 2020-12, the keywords real gateway configs use) compiled once per endpoint
/// and run on System.Text.Json: type, enum, const, properties, required, additionalProperties, patternProperties,
/// items / prefixItems, min/maxItems, uniqueItems, min/maxLength, pattern, minimum/maximum, exclusive bounds (draft-4
/// booleans and draft-6 numbers), multipleOf, min/maxProperties, allOf/anyOf/oneOf/not, local $ref (#/definitions,
/// #/$defs, JSON pointers). Written here rather than taken from a library because the one available (NJsonSchema)
/// needs reflection and Newtonsoft.Json, which NativeAOT cannot compile. Unknown keywords are ignored, as the spec says.
/// </summary>
internal sealed class JsonSchemaValidator
{
    private readonly JsonElement _root;
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    private JsonSchemaValidator(JsonElement root) => _root = root;

    /// <summary>Compiles the schema (pattern regexes, structure checks); throws ArgumentException when it is unusable.</summary>
    public static JsonSchemaValidator Compile(JsonElement schema)
    {
        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
            throw new ArgumentException("a JSON schema must be an object or a boolean");
        var v = new JsonSchemaValidator(schema.Clone());
        v.CompilePatterns(v._root);
        return v;
    }

    private void CompilePatterns(JsonElement schema)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in schema.EnumerateObject())
                {
                    if (p.NameEquals("pattern") && p.Value.ValueKind == JsonValueKind.String) AddPattern(p.Value.GetString()!);
                    if (p.NameEquals("patternProperties") && p.Value.ValueKind == JsonValueKind.Object)
                        foreach (var pp in p.Value.EnumerateObject()) AddPattern(pp.Name);
                    if (p.NameEquals("enum") || p.NameEquals("const") || p.NameEquals("default") || p.NameEquals("examples")) continue;
                    CompilePatterns(p.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in schema.EnumerateArray()) CompilePatterns(item);
                break;
        }
    }

    private void AddPattern(string pattern)
    {
        if (_patterns.ContainsKey(pattern)) return;
        try
        {
            _patterns[pattern] = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"invalid pattern '{pattern}': {ex.Message}", ex);
        }
    }

    /// <summary>Validates an instance; returns the problems as "path: message" (empty when valid).</summary>
    public List<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Check(_root, instance, "(root)", errors, depth: 0);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement value, string path, List<string> errors, int depth)
    {
        if (depth > 64) { errors.Add($"{path}: schema nesting too deep"); return; }
        if (schema.ValueKind == JsonValueKind.True) return;
        if (schema.ValueKind == JsonValueKind.False) { errors.Add($"{path}: no value is allowed here"); return; }
        if (schema.ValueKind != JsonValueKind.Object) return;

        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            if (Resolve(reference.GetString()!) is { } target) Check(target, value, path, errors, depth + 1);
            else errors.Add($"{path}: unresolvable $ref {reference.GetString()}");
            // Before draft 2019-09 a $ref replaced its siblings; checking them too is stricter but harmless in practice.
        }

        if (schema.TryGetProperty("type", out var type) && !MatchesType(type, value))
            errors.Add($"{path}: Invalid type. Expected: {TypeText(type)}, given: {Kind(value)}");

        if (schema.TryGetProperty("enum", out var en) && en.ValueKind == JsonValueKind.Array)
        {
            var found = false;
            foreach (var option in en.EnumerateArray()) if (JsonElement.DeepEquals(option, value)) { found = true; break; }
            if (!found) errors.Add($"{path}: must be one of the enum values");
        }
        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
            errors.Add($"{path}: does not match the const value");

        switch (value.ValueKind)
        {
            case JsonValueKind.Object: CheckObject(schema, value, path, errors, depth); break;
            case JsonValueKind.Array: CheckArray(schema, value, path, errors, depth); break;
            case JsonValueKind.String: CheckString(schema, value, path, errors); break;
            case JsonValueKind.Number: CheckNumber(schema, value, path, errors); break;
        }

        if (schema.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
            foreach (var s in allOf.EnumerateArray()) Check(s, value, path, errors, depth + 1);
        if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array && CountMatches(anyOf, value, depth) == 0)
            errors.Add($"{path}: must validate against at least one schema (anyOf)");
        if (schema.TryGetProperty("oneOf", out var oneOf) && oneOf.ValueKind == JsonValueKind.Array && CountMatches(oneOf, value, depth) != 1)
            errors.Add($"{path}: must validate against exactly one schema (oneOf)");
        if (schema.TryGetProperty("not", out var not) && IsValid(not, value, depth))
            errors.Add($"{path}: must not validate against the 'not' schema");
    }

    private int CountMatches(JsonElement schemas, JsonElement value, int depth)
    {
        var n = 0;
        foreach (var s in schemas.EnumerateArray()) if (IsValid(s, value, depth)) n++;
        return n;
    }

    private bool IsValid(JsonElement schema, JsonElement value, int depth)
    {
        var scratch = new List<string>();
        Check(schema, value, "", scratch, depth + 1);
        return scratch.Count == 0;
    }

    private void CheckObject(JsonElement schema, JsonElement value, string path, List<string> errors, int depth)
    {
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            foreach (var r in required.EnumerateArray())
                if (r.ValueKind == JsonValueKind.String && !value.TryGetProperty(r.GetString()!, out _))
                    errors.Add($"{path}: {r.GetString()} is required");

        var count = 0;
        schema.TryGetProperty("properties", out var properties);
        schema.TryGetProperty("patternProperties", out var patternProperties);
        schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var p in value.EnumerateObject())
        {
            count++;
            var childPath = path == "(root)" ? p.Name : path + "." + p.Name;
            var matched = false;
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(p.Name, out var propSchema))
            {
                matched = true;
                Check(propSchema, p.Value, childPath, errors, depth + 1);
            }
            if (patternProperties.ValueKind == JsonValueKind.Object)
            {
                foreach (var pp in patternProperties.EnumerateObject())
                {
                    if (!_patterns[pp.Name].IsMatch(p.Name)) continue;
                    matched = true;
                    Check(pp.Value, p.Value, childPath, errors, depth + 1);
                }
            }
            if (!matched && additional.ValueKind is JsonValueKind.False)
                errors.Add($"{path}: Additional property {p.Name} is not allowed");
            else if (!matched && additional.ValueKind == JsonValueKind.Object)
                Check(additional, p.Value, childPath, errors, depth + 1);
        }
        if (schema.TryGetProperty("minProperties", out var minP) && minP.TryGetInt32(out var minProps) && count < minProps)
            errors.Add($"{path}: must have at least {minProps} properties");
        if (schema.TryGetProperty("maxProperties", out var maxP) && maxP.TryGetInt32(out var maxProps) && count > maxProps)
            errors.Add($"{path}: must have at most {maxProps} properties");
    }

    private void CheckArray(JsonElement schema, JsonElement value, string path, List<string> errors, int depth)
    {
        var length = value.GetArrayLength();
        var prefix = 0;
        if (schema.TryGetProperty("prefixItems", out var prefixItems) && prefixItems.ValueKind == JsonValueKind.Array)
        {
            prefix = prefixItems.GetArrayLength();
            for (var i = 0; i < Math.Min(prefix, length); i++) Check(prefixItems[i], value[i], $"{path}.{i}", errors, depth + 1);
        }
        if (schema.TryGetProperty("items", out var items))
        {
            if (items.ValueKind == JsonValueKind.Array) // draft 4-2019: tuple form
            {
                var n = Math.Min(items.GetArrayLength(), length);
                for (var i = 0; i < n; i++) Check(items[i], value[i], $"{path}.{i}", errors, depth + 1);
            }
            else
            {
                for (var i = prefix; i < length; i++) Check(items, value[i], $"{path}.{i}", errors, depth + 1);
            }
        }
        if (schema.TryGetProperty("minItems", out var minI) && minI.TryGetInt32(out var minItems) && length < minItems)
            errors.Add($"{path}: Array must have at least {minItems} items");
        if (schema.TryGetProperty("maxItems", out var maxI) && maxI.TryGetInt32(out var maxItems) && length > maxItems)
            errors.Add($"{path}: Array must have at most {maxItems} items");
        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True)
        {
            for (var i = 0; i < length; i++)
                for (var j = i + 1; j < length; j++)
                    if (JsonElement.DeepEquals(value[i], value[j])) { errors.Add($"{path}: array items must be unique"); return; }
        }
    }

    private void CheckString(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        var s = value.GetString()!;
        var length = 0;
        foreach (var _ in s.EnumerateRunes()) length++;
        if (schema.TryGetProperty("minLength", out var minL) && minL.TryGetInt32(out var min) && length < min)
            errors.Add($"{path}: String length must be greater than or equal to {min}");
        if (schema.TryGetProperty("maxLength", out var maxL) && maxL.TryGetInt32(out var max) && length > max)
            errors.Add($"{path}: String length must be less than or equal to {max}");
        if (schema.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.String && !_patterns[pattern.GetString()!].IsMatch(s))
            errors.Add($"{path}: Does not match pattern '{pattern.GetString()}'");
    }

    private static void CheckNumber(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        var x = value.GetDouble();
        var exclusiveMinFlag = schema.TryGetProperty("exclusiveMinimum", out var exMin) && exMin.ValueKind == JsonValueKind.True;
        var exclusiveMaxFlag = schema.TryGetProperty("exclusiveMaximum", out var exMax) && exMax.ValueKind == JsonValueKind.True;
        if (schema.TryGetProperty("minimum", out var min) && min.ValueKind == JsonValueKind.Number)
        {
            var m = min.GetDouble();
            if (exclusiveMinFlag ? x <= m : x < m) errors.Add($"{path}: Must be greater than {(exclusiveMinFlag ? "" : "or equal to ")}{min.GetRawText()}");
        }
        if (schema.TryGetProperty("maximum", out var max) && max.ValueKind == JsonValueKind.Number)
        {
            var m = max.GetDouble();
            if (exclusiveMaxFlag ? x >= m : x > m) errors.Add($"{path}: Must be less than {(exclusiveMaxFlag ? "" : "or equal to ")}{max.GetRawText()}");
        }
        if (exMin.ValueKind == JsonValueKind.Number && x <= exMin.GetDouble()) errors.Add($"{path}: Must be greater than {exMin.GetRawText()}");
        if (exMax.ValueKind == JsonValueKind.Number && x >= exMax.GetDouble()) errors.Add($"{path}: Must be less than {exMax.GetRawText()}");
        if (schema.TryGetProperty("multipleOf", out var multiple) && multiple.ValueKind == JsonValueKind.Number)
        {
            var d = multiple.GetDouble();
            if (d > 0)
            {
                var q = x / d;
                if (Math.Abs(q - Math.Round(q)) > 1e-9) errors.Add($"{path}: Must be a multiple of {multiple.GetRawText()}");
            }
        }
    }

    private JsonElement? Resolve(string reference)
    {
        if (reference == "#") return _root;
        if (!reference.StartsWith("#/", StringComparison.Ordinal)) return null; // only local references
        var current = _root;
        foreach (var raw in reference[2..].Split('/'))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var next)) current = next;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, out var i) && i >= 0 && i < current.GetArrayLength()) current = current[i];
            else return null;
        }
        return current;
    }

    private static bool MatchesType(JsonElement type, JsonElement value)
    {
        if (type.ValueKind == JsonValueKind.String) return Is(type.GetString()!, value);
        if (type.ValueKind != JsonValueKind.Array) return true;
        foreach (var t in type.EnumerateArray()) if (t.ValueKind == JsonValueKind.String && Is(t.GetString()!, value)) return true;
        return false;
    }

    private static bool Is(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && IsInteger(value),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static bool IsInteger(JsonElement value)
    {
        if (value.TryGetInt64(out _)) return true;
        var d = value.GetDouble();
        return Math.Floor(d) == d && !double.IsInfinity(d);
    }

    private static string TypeText(JsonElement type) => type.ValueKind == JsonValueKind.String ? type.GetString()! : type.GetRawText();

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => IsInteger(value) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
