using System.Text;
using System.Xml;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Codecs;

/// <summary>
/// XML ⇄ data map with the conventions of clbanning/mxj, which KrakenD's krakend-xml uses: attributes become
/// "-name" keys, element text next to attributes or children becomes "#text", repeated elements become arrays,
/// every value is a string (no casting).
/// </summary>
internal static class XmlCodec
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
    };

    public static Dictionary<string, object?> Decode(Stream stream)
    {
        using var reader = XmlReader.Create(stream, ReaderSettings);
        var root = DataTree.NewMap(1);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                var name = reader.LocalName;
                root[name] = ReadElement(reader);
                break;
            }
        }
        return root;
    }

    private static object? ReadElement(XmlReader reader)
    {
        Dictionary<string, object?>? map = null;
        if (reader.HasAttributes)
        {
            map = DataTree.NewMap();
            while (reader.MoveToNextAttribute())
            {
                if (reader.Prefix == "xmlns" || reader.LocalName == "xmlns") continue;
                map["-" + reader.LocalName] = reader.Value;
            }
            reader.MoveToElement();
        }
        if (reader.IsEmptyElement) return map is { Count: > 0 } ? map : "";
        StringBuilder? text = null;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    map ??= DataTree.NewMap();
                    var name = reader.LocalName;
                    var child = ReadElement(reader);
                    if (map.TryGetValue(name, out var existing))
                    {
                        if (existing is List<object?> list) list.Add(child);
                        else map[name] = new List<object?> { existing, child };
                    }
                    else
                    {
                        map[name] = child;
                    }
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.SignificantWhitespace:
                case XmlNodeType.Whitespace:
                    (text ??= new StringBuilder()).Append(reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    var s = text?.ToString().Trim() ?? "";
                    if (map is null) return s;
                    if (s.Length > 0) map["#text"] = s;
                    return map;
            }
        }
        return map ?? (object?)(text?.ToString().Trim() ?? "");
    }

    /// <summary>mxj Map.Xml(): one root key becomes the root element, otherwise everything goes under &lt;doc&gt;.</summary>
    public static void Encode(StringBuilder sb, Dictionary<string, object?> data)
    {
        if (data.Count == 1)
        {
            foreach (var (key, value) in data) WriteElement(sb, key, value);
            return;
        }
        WriteElement(sb, "doc", data);
    }

    private static void WriteElement(StringBuilder sb, string name, object? value)
    {
        value = DataTree.Unwrap(value);
        if (value is System.Text.Json.JsonElement je)
        {
            var asList = DataTree.AsList(je);
            if (asList is not null) value = asList;
            else value = DataTree.AsMap(je);
        }
        switch (value)
        {
            case List<object?> list:
                foreach (var item in list) WriteElement(sb, name, item);
                return;
            case Dictionary<string, object?> map:
                var keys = new List<string>(map.Keys);
                keys.Sort(StringComparer.Ordinal);
                sb.Append('<').Append(name);
                foreach (var k in keys)
                {
                    if (k.Length > 1 && k[0] == '-')
                    {
                        sb.Append(' ').Append(k, 1, k.Length - 1).Append("=\"");
                        Escape(sb, Scalar(DataTree.Unwrap(map[k])));
                        sb.Append('"');
                    }
                }
                var hasContent = false;
                foreach (var k in keys)
                {
                    if (k.Length > 1 && k[0] == '-') continue;
                    if (!hasContent) { sb.Append('>'); hasContent = true; }
                    if (k == "#text") Escape(sb, Scalar(DataTree.Unwrap(map[k])));
                    else WriteElement(sb, k, map[k]);
                }
                if (!hasContent) sb.Append("/>");
                else sb.Append("</").Append(name).Append('>');
                return;
            case null:
                sb.Append('<').Append(name).Append("/>");
                return;
            default:
                var s = Scalar(value);
                if (s.Length == 0) { sb.Append('<').Append(name).Append("/>"); return; }
                sb.Append('<').Append(name).Append('>');
                Escape(sb, s);
                sb.Append("</").Append(name).Append('>');
                return;
        }
    }

    private static string Scalar(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        RawNumber n => n.Text,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static void Escape(StringBuilder sb, string s)
    {
        foreach (var c in s)
        {
            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default: sb.Append(c); break;
            }
        }
    }
}
