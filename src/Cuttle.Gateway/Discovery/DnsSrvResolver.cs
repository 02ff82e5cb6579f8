using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Gateway.Discovery;

/// <summary>One SRV answer.</summary>
internal readonly record struct SrvRecord(ushort Priority, ushort Weight, ushort Port, string Target);

/// <summary>
/// A minimal DNS client for SRV lookups (RFC 1035 wire format over UDP), because .NET has no SRV API and KrakenD's
/// sd: dns is Go's net.LookupSRV. It asks the first nameserver of /etc/resolv.conf unless told otherwise, follows no
/// recursion itself (the resolver does), and understands name compression.
/// </summary>
internal sealed class DnsSrvResolver(IPEndPoint nameserver, TimeSpan timeout, TimeProvider? time = null)
{
    private const ushort TypeSrv = 33;

    public IPEndPoint Nameserver => nameserver;

    private static DnsSrvResolver? s_system;

    /// <summary>The resolver of /etc/resolv.conf, read once (2 s per query, as Go's default resolver timeout is 5 s with retries).</summary>
    public static DnsSrvResolver System => s_system ??= FromSystem(TimeSpan.FromSeconds(2));

    /// <summary>
    /// The nameserver named by CUTTLE_DNS_SERVER (host:port), else the first of /etc/resolv.conf, else 127.0.0.1:53.
    /// </summary>
    public static DnsSrvResolver FromSystem(TimeSpan timeout)
    {
        if (Environment.GetEnvironmentVariable("CUTTLE_DNS_SERVER") is { Length: > 0 } forced && IPEndPoint.TryParse(forced, out var ep))
            return new DnsSrvResolver(ep.Port == 0 ? new IPEndPoint(ep.Address, 53) : ep, timeout);
        try
        {
            foreach (var line in File.ReadLines("/etc/resolv.conf"))
            {
                var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts[0] == "nameserver" && IPAddress.TryParse(parts[1], out var ip))
                    return new DnsSrvResolver(new IPEndPoint(ip, 53), timeout);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return new DnsSrvResolver(new IPEndPoint(IPAddress.Loopback, 53), timeout);
    }

    public async Task<IReadOnlyList<SrvRecord>> LookupAsync(string name, CancellationToken ct)
    {
        var id = (ushort)Random.Shared.Next(ushort.MaxValue);
        var query = BuildQuery(id, name);
        using var socket = new Socket(nameserver.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var timer = cts.CancelAfterOn(timeout, time ?? TimeProvider.System);
        await socket.ConnectAsync(nameserver, cts.Token).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, cts.Token).ConfigureAwait(false);
        var buffer = new byte[4096];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
            if (n >= 12 && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id) return Parse(buffer.AsSpan(0, n), name);
        }
    }

    internal static byte[] BuildQuery(ushort id, string name)
    {
        var ms = new MemoryStream();
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], 0x0100); // standard query, recursion desired
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1);      // one question
        ms.Write(header);
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            if (bytes.Length is 0 or > 63) throw new ArgumentException($"invalid DNS name '{name}'");
            ms.WriteByte((byte)bytes.Length);
            ms.Write(bytes);
        }
        ms.WriteByte(0);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(tail, TypeSrv);
        BinaryPrimitives.WriteUInt16BigEndian(tail[2..], 1); // class IN
        ms.Write(tail);
        return ms.ToArray();
    }

    internal static IReadOnlyList<SrvRecord> Parse(ReadOnlySpan<byte> msg, string name)
    {
        var flags = BinaryPrimitives.ReadUInt16BigEndian(msg[2..]);
        var rcode = flags & 0xF;
        if (rcode == 3) throw new DnsException($"lookup {name}: no such host");
        if (rcode != 0) throw new DnsException($"lookup {name}: server answered rcode {rcode}");
        if ((flags & 0x0200) != 0) throw new DnsException($"lookup {name}: truncated answer (TCP fallback not supported)");
        var qd = BinaryPrimitives.ReadUInt16BigEndian(msg[4..]);
        var an = BinaryPrimitives.ReadUInt16BigEndian(msg[6..]);
        var pos = 12;
        for (var i = 0; i < qd; i++)
        {
            ReadName(msg, ref pos);
            pos += 4;
        }
        var records = new List<SrvRecord>(an);
        for (var i = 0; i < an; i++)
        {
            ReadName(msg, ref pos);
            var type = BinaryPrimitives.ReadUInt16BigEndian(msg[pos..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(msg[(pos + 8)..]);
            pos += 10;
            if (type == TypeSrv)
            {
                var p = pos + 6;
                var target = ReadName(msg, ref p);
                records.Add(new SrvRecord(
                    BinaryPrimitives.ReadUInt16BigEndian(msg[pos..]),
                    BinaryPrimitives.ReadUInt16BigEndian(msg[(pos + 2)..]),
                    BinaryPrimitives.ReadUInt16BigEndian(msg[(pos + 4)..]),
                    target));
            }
            pos += length;
        }
        return records;
    }

    private static string ReadName(ReadOnlySpan<byte> msg, ref int pos)
    {
        var sb = new StringBuilder();
        var p = pos;
        var jumped = false;
        for (var guard = 0; guard < 128; guard++)
        {
            var len = msg[p];
            if (len == 0)
            {
                if (!jumped) pos = p + 1;
                return sb.Length == 0 ? "." : sb.ToString();
            }
            if ((len & 0xC0) == 0xC0)
            {
                var offset = ((len & 0x3F) << 8) | msg[p + 1];
                if (!jumped) pos = p + 2;
                jumped = true;
                p = offset;
                continue;
            }
            sb.Append(Encoding.ASCII.GetString(msg.Slice(p + 1, len))).Append('.');
            p += len + 1;
        }
        throw new DnsException("malformed DNS name (compression loop)");
    }
}

/// <summary>A DNS lookup that failed: the message says why, in Go's words where it can.</summary>
internal sealed class DnsException(string message) : Exception(message);
