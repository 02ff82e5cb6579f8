using System.Collections.Immutable;

namespace Cuttle.Config.Json;

/// <summary>
/// An immutable JSON value that remembers where it was written: 1-based line and column, its JSON path
/// (<c>endpoints[3].backend[0].url_pattern</c>) and its byte range, so a diagnostic can point at it and
/// extra_config values can be re-read as a <see cref="System.Text.Json.JsonElement"/>.
/// </summary>
internal sealed class JsonNode
{
    public required JsonNodeKind Kind { get; init; }
    public required string Path { get; init; }
    public int Line { get; init; }
    public int Column { get; init; }

    /// <summary>Byte range of the value in the source (End exclusive); -1 for synthetic values (environment).</summary>
    public int Start { get; init; } = -1;
    public int End { get; init; } = -1;

    /// <summary>The string value, or the raw text of a number.</summary>
    public string? Text { get; init; }

    public ImmutableArray<JsonMember> Properties { get; init; } = [];
    public ImmutableArray<JsonNode> Items { get; init; } = [];

    /// <summary>
    /// The last member with this name: Go's encoding/json (what KrakenD parses with) lets a repeated key win,
    /// so a duplicated key behaves the same here.
    /// </summary>
    public JsonNode? this[string name]
    {
        get
        {
            for (var i = Properties.Length - 1; i >= 0; i--)
            {
                if (Properties[i].Name == name)
                    return Properties[i].Value;
            }
            return null;
        }
    }

    public string KindName => Kind switch
    {
        JsonNodeKind.Object => "an object",
        JsonNodeKind.Array => "an array",
        JsonNodeKind.String => $"the string \"{Text}\"",
        JsonNodeKind.Number => $"the number {Text}",
        JsonNodeKind.True => "true",
        JsonNodeKind.False => "false",
        _ => "null",
    };

    public static string ChildPath(string parent, string name)
    {
        var simple = name.Length > 0;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-' || c == '@' || c == '$'))
            {
                simple = false;
                break;
            }
        }
        var segment = simple ? name : "[\"" + name.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"]";
        if (parent.Length == 0)
            return segment;
        return simple ? parent + "." + segment : parent + segment;
    }
}
