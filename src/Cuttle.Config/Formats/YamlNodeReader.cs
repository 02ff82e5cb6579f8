using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Cuttle.Config.Json;
using Cuttle.Go;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Cuttle.Config.Formats;

/// <summary>
/// Reads YAML into the positioned node tree with YamlDotNet's event parser (no object serializer, so NativeAOT
/// keeps working). Scalars resolve as gopkg.in/yaml.v3 resolves them when krakend-koanf reads a .yaml file into a
/// map: plain <c>true</c>/<c>False</c>/<c>NULL</c>/<c>~</c>, integers through strconv.ParseInt(s, 0, 64) with
/// underscores removed, floats of YAML's float form; quoted and block scalars are strings. Anchors, aliases and
/// <c>&lt;&lt;</c> merge keys work; a repeated key is an error, as yaml.v3 makes it; only the first document is read.
/// </summary>
internal sealed partial class YamlNodeReader
{
    private readonly IParser _parser;
    private readonly Dictionary<string, JsonNode> _anchors = new(StringComparer.Ordinal);
    private string _currentPath = "";

    private YamlNodeReader(IParser parser) => _parser = parser;

    public static JsonNode? Read(byte[] utf8, out JsonSyntaxError? error)
    {
        var text = Encoding.UTF8.GetString(utf8);
        var reader = new YamlNodeReader(new Parser(new StringReader(text)));
        try
        {
            var root = reader.ReadDocument();
            error = root is null ? new JsonSyntaxError("the file is empty, expected a YAML mapping", 1, 1, "$") : null;
            return root;
        }
        catch (YamlSyntaxException ex)
        {
            error = new JsonSyntaxError("invalid YAML: " + ex.Message, ex.Line, ex.Column, ex.Path.Length == 0 ? "$" : ex.Path);
            return null;
        }
        catch (YamlException ex)
        {
            // YamlDotNet puts "(Line: l, Col: c, Idx: i) - (...): " before the reason; the position is reported apart.
            var message = ex.Message;
            var cut = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0)
                message = message[(cut + 3)..];
            error = new JsonSyntaxError("invalid YAML: " + message.TrimEnd('.', ' '), (int)ex.Start.Line, (int)ex.Start.Column,
                reader._currentPath.Length == 0 ? "$" : reader._currentPath);
            return null;
        }
    }

    private JsonNode? ReadDocument()
    {
        Expect<StreamStart>();
        if (_parser.Current is StreamEnd)
            return null;
        Expect<DocumentStart>();
        // yaml.Unmarshal decodes the first document only.
        return ReadNode("");
    }

    private void Expect<T>()
        where T : ParsingEvent
    {
        if (_parser.Current is null)
            _parser.MoveNext();
        if (_parser.Current is T)
            _parser.MoveNext();
    }

    private ParsingEvent Next()
    {
        var current = _parser.Current ?? throw new YamlException("unexpected end of the YAML stream");
        _parser.MoveNext();
        return current;
    }

    private JsonNode ReadNode(string path)
    {
        _currentPath = path;
        var ev = Next();
        var line = (int)ev.Start.Line;
        var column = (int)ev.Start.Column;
        JsonNode node;
        switch (ev)
        {
            case AnchorAlias alias:
                if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    throw new YamlSyntaxException($"unknown anchor '{alias.Value.Value}' referenced", line, column, path);
                return Repath(target, path);
            case Scalar scalar:
                node = ResolveScalar(scalar, path, line, column);
                break;
            case SequenceStart:
            {
                var items = ImmutableArray.CreateBuilder<JsonNode>();
                while (_parser.Current is not SequenceEnd)
                    items.Add(ReadNode(path + "[" + items.Count.ToString(CultureInfo.InvariantCulture) + "]"));
                _parser.MoveNext();
                node = new JsonNode { Kind = JsonNodeKind.Array, Path = path, Line = line, Column = column, Items = items.ToImmutable() };
                break;
            }
            case MappingStart:
                node = ReadMapping(path, line, column);
                break;
            default:
                throw new YamlSyntaxException($"unexpected {ev.GetType().Name}", line, column, path);
        }
        if (ev is NodeEvent { Anchor.IsEmpty: false } anchored)
            _anchors[anchored.Anchor.Value] = node;
        _currentPath = path;
        return node;
    }

    private JsonNode ReadMapping(string path, int line, int column)
    {
        var props = new List<JsonMember>();
        var merges = new List<JsonNode>();
        while (_parser.Current is not MappingEnd)
        {
            var keyEvent = _parser.Current;
            var keyNode = ReadNode(path);
            var name = KeyText(keyNode, (int)keyEvent!.Start.Line, (int)keyEvent.Start.Column, path);
            if (name == "<<" && keyNode.Kind == JsonNodeKind.String && keyEvent is Scalar { Style: ScalarStyle.Plain })
            {
                var source = ReadNode(path);
                if (source.Kind == JsonNodeKind.Object)
                {
                    merges.Add(source);
                }
                else if (source.Kind == JsonNodeKind.Array && source.Items.All(i => i.Kind == JsonNodeKind.Object))
                {
                    merges.AddRange(source.Items);
                }
                else
                {
                    throw new YamlSyntaxException("map merge requires map or sequence of maps as the value", source.Line, source.Column, path);
                }
                continue;
            }
            foreach (var p in props)
            {
                if (p.Name == name)
                    throw new YamlSyntaxException($"mapping key \"{name}\" already defined at line {p.Line}", keyNode.Line, keyNode.Column, path);
            }
            var childPath = JsonNode.ChildPath(path, name);
            props.Add(new JsonMember(name, keyNode.Line, keyNode.Column, ReadNode(childPath)));
            _currentPath = path;
        }
        _parser.MoveNext();
        // yaml.v3: keys written in the mapping win over merged ones; among merged mappings the first one wins.
        foreach (var source in merges)
        {
            foreach (var p in source.Properties)
            {
                if (!props.Exists(x => x.Name == p.Name))
                    props.Add(new JsonMember(p.Name, p.Line, p.Column, Repath(p.Value, JsonNode.ChildPath(path, p.Name))));
            }
        }
        return new JsonNode { Kind = JsonNodeKind.Object, Path = path, Line = line, Column = column, Properties = [.. props] };
    }

    /// <summary>koanf turns every key into a string (cleanupServiceConfig); a key that is itself a collection is refused.</summary>
    private static string KeyText(JsonNode key, int line, int column, string path) => key.Kind switch
    {
        JsonNodeKind.String or JsonNodeKind.Number => key.Text ?? "",
        JsonNodeKind.True => "true",
        JsonNodeKind.False => "false",
        JsonNodeKind.Null => "",
        _ => throw new YamlSyntaxException($"a mapping key must be a scalar, got {key.KindName}", line, column, path),
    };

    private static JsonNode ResolveScalar(Scalar scalar, string path, int line, int column)
    {
        var value = scalar.Value;
        var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        JsonNode Str() => new() { Kind = JsonNodeKind.String, Path = path, Line = line, Column = column, Text = value };
        JsonNode Of(JsonNodeKind kind, string? text = null) => new() { Kind = kind, Path = path, Line = line, Column = column, Text = text };

        switch (tag)
        {
            case "tag:yaml.org,2002:str":
                return Str();
            case "tag:yaml.org,2002:null":
                return Of(JsonNodeKind.Null);
            case "":
            case "!":
                if (scalar.Style != ScalarStyle.Plain || tag == "!")
                    return Str();
                break;
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                if (tag is "" or "tag:yaml.org,2002:null")
                    return Of(JsonNodeKind.Null);
                break;
            case "true" or "True" or "TRUE":
                return Of(JsonNodeKind.True);
            case "false" or "False" or "FALSE":
                return Of(JsonNodeKind.False);
        }
        if (value.Length > 0 && (char.IsAsciiDigit(value[0]) || value[0] is '-' or '+' or '.'))
        {
            var plain = value.Replace("_", "", StringComparison.Ordinal);
            if (GoStrconv.TryParseInt(plain, out var l))
                return Of(JsonNodeKind.Number, l.ToString(CultureInfo.InvariantCulture));
            if (YamlFloat().IsMatch(plain) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                return Of(JsonNodeKind.Number, d.ToString("R", CultureInfo.InvariantCulture));
        }
        return Str();
    }

    /// <summary>An alias or a merged value is the anchored node under the path where it is used.</summary>
    private static JsonNode Repath(JsonNode node, string path)
    {
        if (node.Path == path)
            return node;
        return new JsonNode
        {
            Kind = node.Kind, Path = path, Line = node.Line, Column = node.Column, Text = node.Text,
            Properties = [.. node.Properties.Select(p => new JsonMember(p.Name, p.Line, p.Column, Repath(p.Value, JsonNode.ChildPath(path, p.Name))))],
            Items = [.. node.Items.Select((item, i) => Repath(item, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]"))],
        };
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex YamlFloat();

    private sealed class YamlSyntaxException(string message, int line, int column, string path) : Exception(message)
    {
        public int Line { get; } = line;
        public int Column { get; } = column;
        public string Path { get; } = path;
    }
}
