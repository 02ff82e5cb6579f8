using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Cuttle.Gateway.Data;
using Cuttle.Go;

namespace Cuttle.Gateway.Codecs;

/// <summary>
/// Writes values the way Go's encoding/json Marshal does, because KrakenD clients compare bodies byte for byte:
/// object keys sorted (Go sorts map keys), HTML-safe escaping (&lt; &gt; &amp; as \u003c \u003e \u0026, U+2028/2029
/// escaped), non-ASCII left as UTF-8, numbers verbatim (json.Number), no whitespace and no trailing newline.
/// </summary>
internal static class GoJsonWriter
{
    public static void Write(IBufferWriter<byte> output, object? value)
    {
        switch (value)
        {
            case null: WriteRaw(output, "null"u8); break;
            case Dictionary<string, object?> map: WriteMap(output, map); break;
            case List<object?> list: WriteList(output, list); break;
            case JsonElement element: WriteElement(output, element); break;
            case string s: WriteString(output, s); break;
            case RawNumber n: WriteAscii(output, n.Text); break;
            case bool b: WriteRaw(output, b ? "true"u8 : "false"u8); break;
            case int i: WriteAscii(output, i.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case long l: WriteAscii(output, l.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case double d: WriteAscii(output, FormatFloat(d)); break;
            default: WriteString(output, value.ToString() ?? ""); break;
        }
    }

    /// <summary>Go's float64 marshalling: shortest round-trip form, exponent only for very large/small values.</summary>
    internal static string FormatFloat(double d)
    {
        var abs = Math.Abs(d);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var s = d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            // .NET writes E+21 / E-07; Go writes e+21 / e-07.
            return s.Replace("E", "e", StringComparison.Ordinal);
        }
        return d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void WriteMap(IBufferWriter<byte> output, Dictionary<string, object?> map)
    {
        if (map.Count == 0) { WriteRaw(output, "{}"u8); return; }
        // Pairs, not map.Keys: the key collection is an allocation per (fresh, per-request) dictionary, and sorted pairs
        // also spare a lookup per key.
        var entries = ArrayPool<KeyValuePair<string, object?>>.Shared.Rent(map.Count);
        var n = 0;
        try
        {
            foreach (var entry in map) entries[n++] = entry;
            entries.AsSpan(0, n).Sort(CompareEntries);
            WriteByte(output, (byte)'{');
            for (var i = 0; i < n; i++)
            {
                if (i > 0) WriteByte(output, (byte)',');
                WriteString(output, entries[i].Key);
                WriteByte(output, (byte)':');
                Write(output, entries[i].Value);
            }
            WriteByte(output, (byte)'}');
        }
        finally
        {
            Array.Clear(entries, 0, n);
            ArrayPool<KeyValuePair<string, object?>>.Shared.Return(entries);
        }
    }

    private static void WriteList(IBufferWriter<byte> output, List<object?> list)
    {
        WriteByte(output, (byte)'[');
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0) WriteByte(output, (byte)',');
            Write(output, list[i]);
        }
        WriteByte(output, (byte)']');
    }

    public static void WriteElement(IBufferWriter<byte> output, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object: WriteObjectElement(output, element); break;
            case JsonValueKind.Array:
                WriteByte(output, (byte)'[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first) WriteByte(output, (byte)',');
                    first = false;
                    WriteElement(output, item);
                }
                WriteByte(output, (byte)']');
                break;
            case JsonValueKind.String: WriteStringElement(output, element); break;
            case JsonValueKind.Number: WriteRaw(output, JsonMarshal.GetRawUtf8Value(element)); break;
            case JsonValueKind.True: WriteRaw(output, "true"u8); break;
            case JsonValueKind.False: WriteRaw(output, "false"u8); break;
            default: WriteRaw(output, "null"u8); break;
        }
    }

    private static void WriteObjectElement(IBufferWriter<byte> output, JsonElement element)
    {
        var count = element.GetPropertyCount();
        if (count == 0) { WriteRaw(output, "{}"u8); return; }
        var props = ArrayPool<JsonProperty>.Shared.Rent(count);
        try
        {
            var n = 0;
            var escapedName = false;
            foreach (var p in element.EnumerateObject())
            {
                props[n++] = p;
                escapedName |= JsonMarshal.GetRawUtf8PropertyName(p).IndexOf((byte)'\\') >= 0;
            }
            if (!escapedName)
            {
                WriteRawNamedObject(output, props, n);
                return;
            }
            // Duplicate keys: Go keeps the last one; sort is stable enough for the common case of unique keys.
            Array.Sort(props, 0, n, PropertyNameComparer.Instance);
            WriteByte(output, (byte)'{');
            var written = false;
            for (var i = 0; i < n; i++)
            {
                if (i + 1 < n && props[i].NameEquals(props[i + 1].Name)) continue;
                if (written) WriteByte(output, (byte)',');
                written = true;
                WriteString(output, props[i].Name);
                WriteByte(output, (byte)':');
                WriteElement(output, props[i].Value);
            }
            WriteByte(output, (byte)'}');
        }
        finally
        {
            Array.Clear(props, 0, count);
            ArrayPool<JsonProperty>.Shared.Return(props);
        }
    }

    /// <summary>
    /// The common case, no escape sequence in any name: sort and write the names as the raw UTF-8 the document holds.
    /// JsonProperty.Name would allocate a string per call (and the sort calls it O(n log n) times), which made the
    /// renderer allocate about 10 bytes per byte written. Byte order of UTF-8 is exactly Go's string order for
    /// sorted map keys.
    /// </summary>
    private static void WriteRawNamedObject(IBufferWriter<byte> output, JsonProperty[] props, int n)
    {
        if (n > 1) props.AsSpan(0, n).Sort(CompareRawNames);
        WriteByte(output, (byte)'{');
        var written = false;
        for (var i = 0; i < n; i++)
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(props[i]);
            if (i + 1 < n && name.SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(props[i + 1]))) continue;
            if (written) WriteByte(output, (byte)',');
            written = true;
            if (NeedsRewrite(name))
            {
                WriteString(output, props[i].Name);
            }
            else
            {
                WriteByte(output, (byte)'"');
                WriteRaw(output, name);
                WriteByte(output, (byte)'"');
            }
            WriteByte(output, (byte)':');
            WriteElement(output, props[i].Value);
        }
        WriteByte(output, (byte)'}');
    }

    // Cached delegates: Array.Sort(array, index, length, IComparer) wraps the comparer in a new Comparison per call,
    // one allocation per rendered object.
    private static readonly Comparison<JsonProperty> CompareRawNames = static (x, y) =>
        JsonMarshal.GetRawUtf8PropertyName(x).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(y));

    private static readonly Comparison<KeyValuePair<string, object?>> CompareEntries = static (x, y) => string.CompareOrdinal(x.Key, y.Key);

    private sealed class PropertyNameComparer : IComparer<JsonProperty>
    {
        public static readonly PropertyNameComparer Instance = new();
        public int Compare(JsonProperty x, JsonProperty y) => string.CompareOrdinal(x.Name, y.Name);
    }

    private static void WriteStringElement(IBufferWriter<byte> output, JsonElement element)
    {
        // Fast path: a raw string with no escapes and nothing Go would escape is copied as it is.
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length >= 2 && !NeedsRewrite(raw[1..^1]))
        {
            WriteRaw(output, raw);
            return;
        }
        WriteString(output, element.GetString() ?? "");
    }

    private static bool NeedsRewrite(ReadOnlySpan<byte> body)
    {
        for (var i = 0; i < body.Length; i++)
        {
            var b = body[i];
            if (b == '\\' || b == '<' || b == '>' || b == '&' || b < 0x20) return true;
            // U+2028/U+2029 are E2 80 A8/A9 in UTF-8.
            if (b == 0xE2 && i + 2 < body.Length && body[i + 1] == 0x80 && (body[i + 2] == 0xA8 || body[i + 2] == 0xA9)) return true;
        }
        return false;
    }

    /// <summary>A JSON string as Go encodes it (<see cref="GoJson.WriteString"/>).</summary>
    public static void WriteString(IBufferWriter<byte> output, string value) => GoJson.WriteString(output, value);

    private static void WriteByte(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }

    private static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    private static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++) span[i] = (byte)text[i];
        output.Advance(text.Length);
    }
}
