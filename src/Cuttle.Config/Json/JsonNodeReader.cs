using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Cuttle.Config.Json;

/// <summary>
/// Reads UTF-8 JSON into a <see cref="JsonNode"/> tree with positions. Strict like Go's encoding/json, which KrakenD
/// uses: no comments, no trailing commas, one value per file.
/// </summary>
internal sealed class JsonNodeReader
{
    private readonly int[] _lineStarts;
    private readonly byte[] _utf8;
    private string _currentPath = "";

    private JsonNodeReader(byte[] utf8)
    {
        _utf8 = utf8;
        var starts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
                starts.Add(i + 1);
        }
        _lineStarts = [.. starts];
    }

    public static JsonNode? Read(byte[] utf8, out JsonSyntaxError? error)
    {
        var parser = new JsonNodeReader(utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = 512,
        });
        try
        {
            // A UTF-8 byte order mark is skipped by the caller; anything else before the value is an error.
            if (!reader.Read())
            {
                error = new JsonSyntaxError("the file is empty, expected a JSON object", 1, 1, "$");
                return null;
            }
            var root = parser.ReadValue(ref reader, "");
            // Utf8JsonReader reports trailing garbage on the next Read.
            while (reader.Read())
            {
            }
            error = null;
            return root;
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
                message = message[..cut].TrimEnd('.', ' ');
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var byteInLine = (int)(ex.BytePositionInLine ?? 0);
            var column = parser.ColumnOf(line, byteInLine);
            error = new JsonSyntaxError("invalid JSON: " + message, line, column, parser._currentPath.Length == 0 ? "$" : parser._currentPath);
            return null;
        }
    }

    private JsonNode ReadValue(ref Utf8JsonReader reader, string path)
    {
        _currentPath = path;
        var start = (int)reader.TokenStartIndex;
        var (line, column) = Position(start);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var props = ImmutableArray.CreateBuilder<JsonMember>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString() ?? "";
                    var (kl, kc) = Position((int)reader.TokenStartIndex);
                    var childPath = JsonNode.ChildPath(path, name);
                    _currentPath = childPath;
                    reader.Read();
                    props.Add(new JsonMember(name, kl, kc, ReadValue(ref reader, childPath)));
                    _currentPath = path;
                }
                return new JsonNode
                {
                    Kind = JsonNodeKind.Object, Path = path, Line = line, Column = column,
                    Start = start, End = (int)reader.TokenStartIndex + 1, Properties = props.ToImmutable(),
                };
            }
            case JsonTokenType.StartArray:
            {
                var items = ImmutableArray.CreateBuilder<JsonNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, path + "[" + items.Count + "]"));
                    _currentPath = path;
                }
                return new JsonNode
                {
                    Kind = JsonNodeKind.Array, Path = path, Line = line, Column = column,
                    Start = start, End = (int)reader.TokenStartIndex + 1, Items = items.ToImmutable(),
                };
            }
            case JsonTokenType.String:
                return new JsonNode
                {
                    Kind = JsonNodeKind.String, Path = path, Line = line, Column = column,
                    Start = start, End = (int)reader.BytesConsumed, Text = reader.GetString(),
                };
            case JsonTokenType.Number:
                return new JsonNode
                {
                    Kind = JsonNodeKind.Number, Path = path, Line = line, Column = column,
                    Start = start, End = (int)reader.BytesConsumed, Text = Encoding.UTF8.GetString(reader.ValueSpan),
                };
            case JsonTokenType.True:
                return new JsonNode { Kind = JsonNodeKind.True, Path = path, Line = line, Column = column, Start = start, End = (int)reader.BytesConsumed };
            case JsonTokenType.False:
                return new JsonNode { Kind = JsonNodeKind.False, Path = path, Line = line, Column = column, Start = start, End = (int)reader.BytesConsumed };
            default:
                return new JsonNode { Kind = JsonNodeKind.Null, Path = path, Line = line, Column = column, Start = start, End = (int)reader.BytesConsumed };
        }
    }

    /// <summary>
    /// Clones the source bytes of a node as a standalone element (extra_config values, static data). Nodes without
    /// source bytes (environment overrides, YAML and TOML documents) are written from the tree.
    /// </summary>
    public static JsonElement ToElement(byte[] utf8, JsonNode node)
    {
        if (node.Start < 0)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
                Write(w, node);
            using var built = JsonDocument.Parse(buffer.WrittenMemory);
            return built.RootElement.Clone();
        }
        using var doc = JsonDocument.Parse(utf8.AsMemory(node.Start, node.End - node.Start));
        return doc.RootElement.Clone();
    }

    /// <summary>Writes a node tree as JSON; a repeated key keeps its last value, as Go's maps do.</summary>
    public static void Write(Utf8JsonWriter w, JsonNode node)
    {
        switch (node.Kind)
        {
            case JsonNodeKind.Object:
                w.WriteStartObject();
                for (var i = 0; i < node.Properties.Length; i++)
                {
                    var p = node.Properties[i];
                    if (!ReferenceEquals(node[p.Name], p.Value))
                        continue;
                    w.WritePropertyName(p.Name);
                    Write(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonNodeKind.Array:
                w.WriteStartArray();
                foreach (var item in node.Items)
                    Write(w, item);
                w.WriteEndArray();
                break;
            case JsonNodeKind.String: w.WriteStringValue(node.Text); break;
            case JsonNodeKind.Number: w.WriteRawValue(node.Text!, skipInputValidation: false); break;
            case JsonNodeKind.True: w.WriteBooleanValue(true); break;
            case JsonNodeKind.False: w.WriteBooleanValue(false); break;
            default: w.WriteNullValue(); break;
        }
    }

    private (int Line, int Column) Position(int offset)
    {
        var idx = Array.BinarySearch(_lineStarts, offset);
        if (idx < 0)
            idx = ~idx - 1;
        return (idx + 1, ColumnOf(idx + 1, offset - _lineStarts[idx]));
    }

    /// <summary>1-based column in characters (not bytes), as editors count.</summary>
    private int ColumnOf(int line, int byteInLine)
    {
        if (line < 1 || line > _lineStarts.Length)
            return byteInLine + 1;
        var lineStart = _lineStarts[line - 1];
        var len = Math.Min(byteInLine, _utf8.Length - lineStart);
        return Encoding.UTF8.GetCharCount(_utf8, lineStart, Math.Max(0, len)) + 1;
    }
}
