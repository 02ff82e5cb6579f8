using System.Buffers.Binary;
using System.Text;

namespace Cuttle.Tests.Telemetry.OpenCensus;

/// <summary>
/// A schema-free Thrift decoder for the tests, written from the protocol specifications and independent of the
/// gateway's writer: a struct becomes a field-id → value dictionary, a list a List&lt;object&gt;, binary/strings
/// UTF-8 text. Binary is TBinaryProtocol (big-endian), compact TCompactProtocol (field deltas, zigzag varints).
/// </summary>
internal sealed class ThriftReader(byte[] data, bool compact)
{
    private int _pos;

    public int Position => _pos;

    public Dictionary<short, object> ReadStruct()
    {
        var fields = new Dictionary<short, object>();
        short last = 0;
        while (true)
        {
            var head = data[_pos++];
            if (head == 0) return fields;
            short id;
            int type;
            if (compact)
            {
                type = head & 0x0F;
                var delta = head >> 4;
                id = delta != 0 ? (short)(last + delta) : (short)ZigZag(Varint());
                last = id;
                if (type is 1 or 2) { fields[id] = type == 1; continue; }
            }
            else
            {
                type = head;
                id = BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(_pos));
                _pos += 2;
            }
            fields[id] = Value(type);
        }
    }

    /// <summary>A compact message header: (name, type, sequence id).</summary>
    public (string Name, int Type, int Seq) ReadCompactMessageBegin()
    {
        if (data[_pos++] != 0x82) throw new InvalidDataException("not a compact-protocol message");
        var versionAndType = data[_pos++];
        if ((versionAndType & 0x1F) != 1) throw new InvalidDataException("compact protocol version is not 1");
        var seq = (int)Varint();
        var name = (string)Value(8);
        return (name, versionAndType >> 5, seq);
    }

    private object Value(int type)
    {
        if (compact)
        {
            switch (type)
            {
                case 1: return true;
                case 2: return false;
                case 3: return data[_pos++];
                case 4 or 5: return (int)ZigZag(Varint());
                case 6: return ZigZag(Varint());
                case 7: { var d = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(_pos))); _pos += 8; return d; }
                case 8: { var n = (int)Varint(); var s = Encoding.UTF8.GetString(data, _pos, n); _pos += n; return s; }
                case 9 or 10:
                {
                    var h = data[_pos++];
                    var size = h >> 4;
                    if (size == 15) size = (int)Varint();
                    var elem = h & 0x0F;
                    var list = new List<object>(size);
                    for (var i = 0; i < size; i++) list.Add(elem is 1 or 2 ? data[_pos++] == 1 : Value(elem));
                    return list;
                }
                case 12: return ReadStruct();
                default: throw new InvalidDataException($"compact type {type}");
            }
        }
        switch (type)
        {
            case 2: return data[_pos++] != 0;
            case 3: return data[_pos++];
            case 4: { var d = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(_pos))); _pos += 8; return d; }
            case 6: { var v = (int)BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(_pos)); _pos += 2; return v; }
            case 8: { var v = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(_pos)); _pos += 4; return v; }
            case 10: { var v = BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(_pos)); _pos += 8; return v; }
            case 11: { var n = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(_pos)); _pos += 4; var s = Encoding.UTF8.GetString(data, _pos, n); _pos += n; return s; }
            case 12: return ReadStruct();
            case 14 or 15:
            {
                var elem = data[_pos++];
                var size = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(_pos));
                _pos += 4;
                var list = new List<object>(size);
                for (var i = 0; i < size; i++) list.Add(Value(elem));
                return list;
            }
            default: throw new InvalidDataException($"binary type {type}");
        }
    }

    private ulong Varint()
    {
        ulong v = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[_pos++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return v;
        }
    }

    private static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);
}

/// <summary>A decoded jaeger.thrift Batch (field ids from jaeger.thrift).</summary>
internal sealed record JaegerBatch(string ServiceName, List<object> ProcessTags, List<JaegerSpan> Spans)
{
    public static JaegerBatch From(Dictionary<short, object> batch)
    {
        var process = (Dictionary<short, object>)batch[1];
        var spans = ((List<object>)batch[2]).Select(s => JaegerSpan.From((Dictionary<short, object>)s)).ToList();
        return new JaegerBatch((string)process[1], process.TryGetValue(2, out var t) ? (List<object>)t : [], spans);
    }
}

internal sealed record JaegerSpan(long TraceIdLow, long TraceIdHigh, long SpanId, long ParentSpanId, string OperationName, int Flags,
    long StartTime, long Duration, Dictionary<string, (int Type, object Value)> Tags)
{
    public static JaegerSpan From(Dictionary<short, object> s)
    {
        var tags = new Dictionary<string, (int, object)>();
        if (s.TryGetValue(10, out var list))
        {
            foreach (Dictionary<short, object> t in (List<object>)list)
            {
                var type = (int)t[2];
                tags[(string)t[1]] = (type, t[type switch { 0 => 3, 1 => 4, 2 => 5, 3 => 6, _ => 7 }]);
            }
        }
        return new JaegerSpan((long)s[1], (long)s[2], (long)s[3], (long)s[4], (string)s[5], (int)s[7], (long)s[8], (long)s[9], tags);
    }

    public string TraceId => $"{TraceIdHigh:x16}{TraceIdLow:x16}";
}
