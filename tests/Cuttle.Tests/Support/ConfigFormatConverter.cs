using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cuttle.Tests.Support;

/// <summary>
/// Rewrites a JSON configuration as YAML (block style, plain scalars where YAML keeps them strings, quoted
/// otherwise) or as TOML (tables and arrays of tables, inline values), the way a person converting their
/// krakend.json would write it, so a test can serve the same configuration in all three syntaxes.
/// </summary>
internal static partial class ConfigFormatConverter
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToYaml(JsonElement root)
    {
        var sb = new StringBuilder("# converted from JSON\n");
        YamlBlock(sb, root, 0);
        return sb.ToString();
    }

    private static void YamlBlock(StringBuilder sb, JsonElement value, int indent)
    {
        var pad = new string(' ', indent);
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in value.EnumerateObject())
            {
                sb.Append(pad).Append(YamlKey(p.Name)).Append(':');
                YamlValueAfterKey(sb, p.Value, indent);
            }
        }
        else
        {
            foreach (var item in value.EnumerateArray())
            {
                sb.Append(pad).Append('-');
                if (item.ValueKind == JsonValueKind.Object && item.EnumerateObject().Any())
                {
                    // "- first: x" then the other keys aligned under it.
                    var first = true;
                    foreach (var p in item.EnumerateObject())
                    {
                        sb.Append(first ? " " : pad + "  ").Append(YamlKey(p.Name)).Append(':');
                        YamlValueAfterKey(sb, p.Value, indent + 2);
                        first = false;
                    }
                }
                else
                {
                    YamlValueAfterKey(sb, item, indent);
                }
            }
        }
    }

    private static void YamlValueAfterKey(StringBuilder sb, JsonElement v, int indent)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Object when v.EnumerateObject().Any():
                sb.Append('\n');
                YamlBlock(sb, v, indent + 2);
                break;
            case JsonValueKind.Array when v.GetArrayLength() > 0:
                sb.Append('\n');
                YamlBlock(sb, v, indent + 2);
                break;
            default:
                sb.Append(' ').Append(YamlScalar(v)).Append('\n');
                break;
        }
    }

    private static string YamlKey(string name) => PlainYaml().IsMatch(name) && !Reserved(name) ? name : JsonSerializer.Serialize(name, Relaxed);

    private static string YamlScalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "{}",
        JsonValueKind.Array => "[]",
        JsonValueKind.String => PlainYaml().IsMatch(v.GetString()!) && !Reserved(v.GetString()!) ? v.GetString()! : JsonSerializer.Serialize(v.GetString(), Relaxed),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => v.GetRawText(),
    };

    /// <summary>Words YAML would read as something other than the same string.</summary>
    private static bool Reserved(string s) => s is "true" or "false" or "null" or "True" or "False" or "Null" or "TRUE" or "FALSE" or "NULL" or "~" or "y" or "n" or "yes" or "no" or "on" or "off";

    public static string ToToml(JsonElement root)
    {
        var sb = new StringBuilder("# converted from JSON\n");
        TomlTable(sb, root, "");
        return sb.ToString();
    }

    private static void TomlTable(StringBuilder sb, JsonElement obj, string path)
    {
        // Key/value pairs first (TOML has no null: a null member is left out, as an absent key reads the same).
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null || IsSubTable(p.Value) || IsTableArray(p.Value))
                continue;
            sb.Append(TomlKey(p.Name)).Append(" = ").Append(TomlInline(p.Value)).Append('\n');
        }
        foreach (var p in obj.EnumerateObject())
        {
            var child = path.Length == 0 ? TomlKey(p.Name) : path + "." + TomlKey(p.Name);
            if (IsSubTable(p.Value))
            {
                sb.Append('\n').Append('[').Append(child).Append("]\n");
                TomlTable(sb, p.Value, child);
            }
            else if (IsTableArray(p.Value))
            {
                foreach (var item in p.Value.EnumerateArray())
                {
                    sb.Append('\n').Append("[[").Append(child).Append("]]\n");
                    TomlTable(sb, item, child);
                }
            }
        }
    }

    private static bool IsSubTable(JsonElement v) => v.ValueKind == JsonValueKind.Object && v.EnumerateObject().Any();

    private static bool IsTableArray(JsonElement v)
        => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0 && v.EnumerateArray().All(i => i.ValueKind == JsonValueKind.Object);

    private static string TomlInline(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "{ " + string.Join(", ", v.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => TomlKey(p.Name) + " = " + TomlInline(p.Value))) + " }",
        JsonValueKind.Array => "[" + string.Join(", ", v.EnumerateArray().Where(i => i.ValueKind != JsonValueKind.Null).Select(TomlInline)) + "]",
        JsonValueKind.String => JsonSerializer.Serialize(v.GetString(), Relaxed),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => TomlNumber(v.GetRawText()),
        _ => "\"\"",
    };

    /// <summary>TOML floats need a digit on both sides of the point; JSON's "1E5" reads the same in TOML.</summary>
    private static string TomlNumber(string raw) => raw.Contains('.', StringComparison.Ordinal) && raw.EndsWith('.') ? raw + "0" : raw;

    private static string TomlKey(string name) => BareToml().IsMatch(name) ? name : JsonSerializer.Serialize(name, Relaxed);

    [GeneratedRegex("^[A-Za-z_/][A-Za-z0-9_./-]*$")]
    private static partial Regex PlainYaml();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex BareToml();

    /// <summary>Points every backend (and the service's default hosts) at <paramref name="url"/>.</summary>
    public static JsonElement WithHosts(JsonElement root, string url)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(root.GetRawText())!.AsObject();
        if (node["host"] is not null)
            node["host"] = new System.Text.Json.Nodes.JsonArray(url);
        foreach (var endpoint in node["endpoints"]?.AsArray() ?? [])
        {
            foreach (var backend in endpoint?["backend"]?.AsArray() ?? [])
            {
                if (backend is System.Text.Json.Nodes.JsonObject b)
                {
                    b["host"] = new System.Text.Json.Nodes.JsonArray(url);
                    b.Remove("sd");
                }
            }
        }
        node["port"] = 0;
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }
}
