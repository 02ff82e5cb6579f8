using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Cuttle.Telemetry.OpenCensus;

/// <summary>
/// The few Thrift encodings the jaeger exporter needs, written by hand rather than with the ApacheThrift package: its
/// protocol API is asynchronous per value (a ValueTask for every field of every span) and reaches the wire through
/// its transport classes, while five small structs written straight into one buffer are simpler, allocation-light and
/// need nothing the trimmer has to reason about. Binary is TBinaryProtocol (big-endian, i16 field ids; what the
/// collector's HTTP endpoint reads), compact is TCompactProtocol (field-id deltas, zigzag varints; what the agent's
/// UDP port reads). Type ids are the binary protocol's; the compact form is derived from them.
/// </summary>
internal sealed class ThriftWriter(ArrayBufferWriter<byte> output, bool compact)
{
    public const byte Bool = 2, Double = 4, I32 = 8, I64 = 10, String = 11, Struct = 12, List = 15;

    private readonly Stack<short> _outer = new();
    private short _lastField;

    public bool Compact => compact;

    public void StructBegin()
    {
        _outer.Push(_lastField);
        _lastField = 0;
    }

    public void StructEnd()
    {
        Byte(0); // field stop, in both protocols
        _lastField = _outer.Pop();
    }

    public void FieldI32(short id, int value) { FieldHeader(I32, id); I32Value(value); }
    public void FieldI64(short id, long value) { FieldHeader(I64, id); I64Value(value); }
    public void FieldString(short id, string value) { FieldHeader(String, id); StringValue(value); }

    public void FieldDouble(short id, double value)
    {
        FieldHeader(Double, id);
        var span = output.GetSpan(8);
        var bits = BitConverter.DoubleToInt64Bits(value);
        if (compact) BinaryPrimitives.WriteInt64LittleEndian(span, bits);
        else BinaryPrimitives.WriteInt64BigEndian(span, bits);
        output.Advance(8);
    }

    public void FieldBool(short id, bool value)
    {
        if (compact)
        {
            // The compact protocol carries a bool field's value in its header's type nibble.
            CompactFieldHeader(value ? (byte)1 : (byte)2, id);
            return;
        }
        FieldHeader(Bool, id);
        Byte(value ? (byte)1 : (byte)0);
    }

    public void FieldStructBegin(short id)
    {
        FieldHeader(Struct, id);
        StructBegin();
    }

    public void FieldListBegin(short id, byte elementType, int count)
    {
        FieldHeader(List, id);
        if (compact)
        {
            var t = CompactType(elementType);
            if (count < 15) Byte((byte)((count << 4) | t));
            else { Byte((byte)(0xF0 | t)); Varint((uint)count); }
            return;
        }
        Byte(elementType);
        I32Value(count);
    }

    /// <summary>A compact-protocol message header (protocol id 0x82, version 1, the type in the top three bits).</summary>
    public void CompactMessageBegin(string name, byte messageType, int sequenceId)
    {
        Byte(0x82);
        Byte((byte)(1 | (messageType << 5)));
        Varint((uint)sequenceId);
        StringValue(name);
    }

    /// <summary>Bytes already encoded in this protocol (a span written on its own: each struct starts its own delta chain).</summary>
    public void Raw(ReadOnlySpan<byte> bytes) => output.Write(bytes);

    public void FieldHeader(byte type, short id)
    {
        if (compact)
        {
            CompactFieldHeader(CompactType(type), id);
            return;
        }
        Byte(type);
        var span = output.GetSpan(2);
        BinaryPrimitives.WriteInt16BigEndian(span, id);
        output.Advance(2);
    }

    private void CompactFieldHeader(byte compactType, short id)
    {
        var delta = id - _lastField;
        if (delta is > 0 and <= 15) Byte((byte)((delta << 4) | compactType));
        else
        {
            Byte(compactType);
            Varint((uint)((id << 1) ^ (id >> 15)));
        }
        _lastField = id;
    }

    private static byte CompactType(byte type) => type switch
    {
        Bool => 1,
        I32 => 5,
        I64 => 6,
        Double => 7,
        String => 8,
        List => 9,
        Struct => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private void I32Value(int value)
    {
        if (compact) { Varint((uint)((value << 1) ^ (value >> 31))); return; }
        var span = output.GetSpan(4);
        BinaryPrimitives.WriteInt32BigEndian(span, value);
        output.Advance(4);
    }

    private void I64Value(long value)
    {
        if (compact) { Varint((ulong)((value << 1) ^ (value >> 63))); return; }
        var span = output.GetSpan(8);
        BinaryPrimitives.WriteInt64BigEndian(span, value);
        output.Advance(8);
    }

    private void StringValue(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (compact) Varint((uint)length);
        else
        {
            var head = output.GetSpan(4);
            BinaryPrimitives.WriteInt32BigEndian(head, length);
            output.Advance(4);
        }
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        output.Advance(length);
    }

    private void Varint(ulong value)
    {
        var span = output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        output.Advance(i);
    }

    private void Byte(byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
