using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>Appends a request head into a pooled array, growing it when needed; no intermediate strings.</summary>
internal struct HeadWriter(byte[] buffer) : IDisposable
{
    private byte[] _buffer = buffer;
    private int _length;

    public readonly ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public void WriteByte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    public void WriteLiteral(ReadOnlySpan<byte> bytes) => WriteBytes(bytes);

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteAscii(string text) => WriteUtf8(text);

    public void WriteUtf8(ReadOnlySpan<char> text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    public void WriteInt(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out var n);
        _length += n;
    }

    public void WriteHex(int value)
    {
        Ensure(8);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out var n, new StandardFormat('x'));
        _length += n;
    }

    private void Ensure(int count)
    {
        if (_buffer.Length - _length >= count) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
