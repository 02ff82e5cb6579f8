using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Cuttle.Config.Json;
using Tomlyn;
using Tomlyn.Parsing;

namespace Cuttle.Config.Formats;

/// <summary>
/// Reads TOML into the positioned node tree from Tomlyn's pull parser (<see cref="TomlParser"/>: events with
/// line and column, no reflection, so NativeAOT keeps working). The parser emits one table per header, so tables
/// and arrays of tables written in several places are merged here as TOML defines; a key given a value twice is an
/// error. Integers and floats become numbers, dates become their TOML text.
/// </summary>
internal sealed class TomlNodeReader
{
    private readonly TomlParser _parser;
    private readonly Stack<Builder> _stack = new();
    private (string Name, int Line, int Column)? _pendingKey;

    private TomlNodeReader(TomlParser parser) => _parser = parser;

    public static JsonNode? Read(byte[] utf8, out JsonSyntaxError? error)
    {
        var text = Encoding.UTF8.GetString(utf8);
        var parser = TomlParser.Create(text, new TomlParserOptions(), null);
        var reader = new TomlNodeReader(parser);
        Builder? root;
        try
        {
            root = reader.Run();
        }
        catch (TomlException ex)
        {
            error = FromDiagnostics(ex, parser);
            return null;
        }
        catch (TomlSyntaxException ex)
        {
            error = new JsonSyntaxError("invalid TOML: " + ex.Message, ex.Line, ex.Column, "$");
            return null;
        }
        if (parser.HasErrors || root is null)
        {
            error = FromDiagnostics(null, parser);
            return null;
        }
        error = null;
        return root.ToNode("");
    }

    private static JsonSyntaxError FromDiagnostics(TomlException? ex, TomlParser parser)
    {
        foreach (var d in ex?.Diagnostics ?? parser.Diagnostics)
        {
            // Diagnostic spans count from 0 (the parser's events count from 1).
            if (d.Kind == Tomlyn.Syntax.DiagnosticMessageKind.Error)
                return new JsonSyntaxError("invalid TOML: " + d.Message.TrimEnd('.'), Math.Max(0, d.Span.Start.Line) + 1, Math.Max(0, d.Span.Start.Column) + 1, "$");
        }
        return new JsonSyntaxError("invalid TOML: " + (ex?.Message ?? "the document could not be parsed"), 1, 1, "$");
    }

    private Builder? Run()
    {
        Builder? root = null;
        while (_parser.MoveNext())
        {
            var ev = _parser.Current;
            switch (ev.Kind)
            {
                case TomlParseEventKind.PropertyName:
                    _pendingKey = (ev.PropertyName ?? _parser.GetPropertyName(), ev.Line, ev.Column);
                    break;
                case TomlParseEventKind.StartTable:
                    if (_stack.Count == 0)
                    {
                        root = new Builder(JsonNodeKind.Object, 1, 1);
                        _stack.Push(root);
                        break;
                    }
                    _stack.Push(OpenTable(ev));
                    break;
                case TomlParseEventKind.StartArray:
                    _stack.Push(OpenArray(ev));
                    break;
                case TomlParseEventKind.EndTable:
                case TomlParseEventKind.EndArray:
                    if (_stack.Count > 0)
                        _stack.Pop();
                    break;
                case TomlParseEventKind.String:
                    Add(Scalar(JsonNodeKind.String, _parser.GetString(), ev));
                    break;
                case TomlParseEventKind.Integer:
                    Add(Scalar(JsonNodeKind.Number, ev.GetInt64().ToString(CultureInfo.InvariantCulture), ev));
                    break;
                case TomlParseEventKind.Float:
                    var d = ev.GetDouble();
                    // JSON has no NaN or infinity; keep TOML's spelling as a string rather than refuse the file.
                    Add(double.IsFinite(d)
                        ? Scalar(JsonNodeKind.Number, d.ToString("R", CultureInfo.InvariantCulture), ev)
                        : Scalar(JsonNodeKind.String, double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf", ev));
                    break;
                case TomlParseEventKind.Boolean:
                    Add(Scalar(ev.GetBoolean() ? JsonNodeKind.True : JsonNodeKind.False, null, ev));
                    break;
                case TomlParseEventKind.DateTime:
                    Add(Scalar(JsonNodeKind.String, ev.GetTomlDateTime().ToString(), ev));
                    break;
            }
        }
        return root;
    }

    private static Builder Scalar(JsonNodeKind kind, string? text, TomlParseEvent ev) => new(kind, ev.Line, ev.Column) { Text = text };

    private (string Name, int Line, int Column) TakeKey()
    {
        var key = _pendingKey ?? throw new TomlSyntaxException("a value without a key", 1, 1);
        _pendingKey = null;
        return key;
    }

    private void Add(Builder value)
    {
        var top = _stack.Peek();
        if (top.Kind == JsonNodeKind.Array)
        {
            top.Items.Add(value);
            return;
        }
        var (name, line, column) = TakeKey();
        if (top.Find(name) is not null)
            throw new TomlSyntaxException($"duplicate key \"{name}\"", line, column);
        top.Members.Add((name, line, column, value));
    }

    /// <summary>A header or dotted key reopens a table defined before; under an array of tables it is the last element.</summary>
    private Builder OpenTable(TomlParseEvent ev)
    {
        var top = _stack.Peek();
        var (line, column) = ev.Line > 0 ? (ev.Line, ev.Column) : (_pendingKey?.Line ?? 1, _pendingKey?.Column ?? 1);
        if (top.Kind == JsonNodeKind.Array)
        {
            var element = new Builder(JsonNodeKind.Object, line, column);
            top.Items.Add(element);
            return element;
        }
        var (name, keyLine, keyColumn) = TakeKey();
        switch (top.Find(name))
        {
            case null:
                var table = new Builder(JsonNodeKind.Object, line, column) { Inline = ev.Line > 0 };
                top.Members.Add((name, keyLine, keyColumn, table));
                return table;
            case { Kind: JsonNodeKind.Object, Inline: false } existing when ev.Line == 0:
                return existing;
            case { Kind: JsonNodeKind.Array, TableArray: true } array when array.Items.Count > 0 && ev.Line == 0:
                return array.Items[^1];
            default:
                throw new TomlSyntaxException($"duplicate key \"{name}\"", keyLine, keyColumn);
        }
    }

    private Builder OpenArray(TomlParseEvent ev)
    {
        var top = _stack.Peek();
        // Inline arrays carry their position; an array of tables ([[name]]) does not.
        var tableArray = ev.Line == 0;
        if (top.Kind == JsonNodeKind.Array)
        {
            var nested = new Builder(JsonNodeKind.Array, ev.Line, ev.Column);
            top.Items.Add(nested);
            return nested;
        }
        var (name, keyLine, keyColumn) = TakeKey();
        switch (top.Find(name))
        {
            case null:
                var array = new Builder(JsonNodeKind.Array, tableArray ? keyLine : ev.Line, tableArray ? keyColumn : ev.Column) { TableArray = tableArray };
                top.Members.Add((name, keyLine, keyColumn, array));
                return array;
            case { Kind: JsonNodeKind.Array, TableArray: true } existing when tableArray:
                return existing;
            default:
                throw new TomlSyntaxException($"duplicate key \"{name}\"", keyLine, keyColumn);
        }
    }

    private sealed class Builder(JsonNodeKind kind, int line, int column)
    {
        public JsonNodeKind Kind { get; } = kind;
        public int Line { get; } = line;
        public int Column { get; } = column;
        public string? Text { get; init; }
        public bool TableArray { get; init; }
        public bool Inline { get; init; }
        public List<(string Name, int Line, int Column, Builder Value)> Members { get; } = [];
        public List<Builder> Items { get; } = [];

        public Builder? Find(string name)
        {
            foreach (var m in Members)
            {
                if (m.Name == name)
                    return m.Value;
            }
            return null;
        }

        public JsonNode ToNode(string path) => new()
        {
            Kind = Kind, Path = path, Line = Line, Column = Column, Text = Text,
            Properties = Kind == JsonNodeKind.Object
                ? [.. Members.Select(m => new JsonMember(m.Name, m.Line, m.Column, m.Value.ToNode(JsonNode.ChildPath(path, m.Name))))]
                : [],
            Items = Kind == JsonNodeKind.Array
                ? [.. Items.Select((item, i) => item.ToNode(path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]"))]
                : ImmutableArray<JsonNode>.Empty,
        };
    }

    private sealed class TomlSyntaxException(string message, int line, int column) : Exception(message)
    {
        public int Line { get; } = line;
        public int Column { get; } = column;
    }
}
