using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Tests.Support;

internal readonly record struct Frame(int Type, byte Flags, int Stream, byte[] Payload);

/// <summary>An HTTP/2 client on a raw socket: the preface and an empty SETTINGS, then whatever frames a test writes.</summary>
internal sealed class RawHttp2 : IAsyncDisposable
{
    public const int Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, GoAway = 0x7, Continuation = 0x9;
    public const byte EndStream = 0x1, EndHeaders = 0x4;

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawHttp2(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawHttp2> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var h2 = new RawHttp2(client);
        await h2._stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        await h2.SendAsync(Settings, 0, 0, []);
        return h2;
    }

    public async Task SendAsync(int type, byte flags, int stream, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = (byte)type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame, 9);
        await _stream.WriteAsync(frame);
    }

    /// <summary>Reads frames (answering nothing) until one matches; fails if the connection ends first or 10 s pass.</summary>
    public async Task<Frame> ReadUntilAsync(Func<Frame, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var head = new byte[9];
        while (true)
        {
            await _stream.ReadExactlyAsync(head, timeout.Token);
            var length = (head[0] << 16) | (head[1] << 8) | head[2];
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, timeout.Token);
            var frame = new Frame(head[3], head[4], BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(5)) & 0x7FFFFFFF, payload);
            if (match(frame)) return frame;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>HPACK (RFC 7541) literals without indexing or Huffman: every byte of a name or value goes out as given.</summary>
internal static class Hpack
{
    /// <summary>
    /// The :status of a response header block, which a server puts first: an indexed static entry (8-14) or a
    /// literal with the static name 8 and a plain (not Huffman-coded) value; 0 for anything else.
    /// </summary>
    public static int Status(byte[] block)
    {
        if (block.Length == 0) return 0;
        int[] statics = [200, 204, 206, 304, 400, 404, 500];
        var b = block[0];
        if ((b & 0x80) != 0) return (b & 0x7F) is >= 8 and <= 14 ? statics[(b & 0x7F) - 8] : 0;
        if ((b is 0x48 or 0x08 or 0x18) && block.Length >= 5 && block[1] == 3)
            return int.Parse(Encoding.ASCII.GetString(block, 2, 3), System.Globalization.CultureInfo.InvariantCulture);
        return 0;
    }

    public static byte[] Request(string method, string path, params (string Name, string Value)[] headers)
    {
        var block = new List<byte>();
        block.AddRange(Literal(":method", method));
        block.AddRange(Literal(":scheme", "http"));
        block.AddRange(Literal(":path", path));
        block.AddRange(Literal(":authority", "127.0.0.1"));
        foreach (var (name, value) in headers) block.AddRange(Literal(name, value));
        return [.. block];
    }

    public static byte[] Literal(string name, string value)
    {
        var bytes = new List<byte> { 0x00 };
        String(bytes, name);
        String(bytes, value);
        return [.. bytes];
    }

    private static void String(List<byte> bytes, string s)
    {
        var raw = Encoding.Latin1.GetBytes(s);
        Integer(bytes, raw.Length);
        bytes.AddRange(raw);
    }

    /// <summary>An integer with a 7-bit prefix (the H bit of a string literal left at 0).</summary>
    private static void Integer(List<byte> bytes, int value)
    {
        if (value < 127)
        {
            bytes.Add((byte)value);
            return;
        }
        bytes.Add(127);
        value -= 127;
        while (value >= 128)
        {
            bytes.Add((byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
    }
}
