using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Gateway.Tests.Discovery;

/// <summary>
/// A DNS peer on loopback (UDP and TCP on the same port) whose answers the test writes byte by byte, so hostile and
/// broken answers can be sent: the handler gets the query and the transport and returns the packets to send back.
/// </summary>
internal sealed class FakeDnsServer : IAsyncDisposable
{
    private readonly UdpClient _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;
    private int _udpQueries;
    private int _tcpQueries;

    /// <summary>Returns the packets to send for one query (none: stay silent).</summary>
    public delegate IEnumerable<byte[]> Handler(byte[] query, bool tcp, int queryNumber);

    public FakeDnsServer(Handler handler, IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        // The same port for both transports, as a real nameserver has: a truncated UDP answer is retried over TCP there.
        for (var attempt = 0; ; attempt++)
        {
            var udp = new UdpClient(new IPEndPoint(address, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            var tcp = new TcpListener(address, port);
            try
            {
                tcp.Start();
                _udp = udp;
                _tcp = tcp;
                break;
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
            }
        }
        Endpoint = (IPEndPoint)_udp.Client.LocalEndPoint!;
        _udpLoop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult request;
                try { request = await _udp.ReceiveAsync(_stop.Token); }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
                var n = Interlocked.Increment(ref _udpQueries);
                foreach (var packet in handler(request.Buffer, false, n))
                    await _udp.SendAsync(packet, request.RemoteEndPoint);
            }
        });
        _tcpLoop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _tcp.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
                using (client)
                {
                    var stream = client.GetStream();
                    var length = new byte[2];
                    try
                    {
                        await stream.ReadExactlyAsync(length, _stop.Token);
                        var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                        await stream.ReadExactlyAsync(query, _stop.Token);
                        var n = Interlocked.Increment(ref _tcpQueries);
                        foreach (var packet in handler(query, true, n))
                        {
                            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)packet.Length);
                            await stream.WriteAsync(length, _stop.Token);
                            await stream.WriteAsync(packet, _stop.Token);
                        }
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or IOException or EndOfStreamException) { }
                }
            }
        });
    }

    public IPEndPoint Endpoint { get; }
    public int UdpQueries => Volatile.Read(ref _udpQueries);
    public int TcpQueries => Volatile.Read(ref _tcpQueries);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop);
        _stop.Dispose();
    }

    /// <summary>An SRV record for <see cref="Answer"/>: priority, weight, port, target.</summary>
    public readonly record struct Srv(ushort Priority, ushort Weight, ushort Port, string Target);

    /// <summary>
    /// A response to the query: its id and question, the given flags (QR set) and SRV answers whose owner name points
    /// at the question; extra bytes (raw additional records) may follow with their count.
    /// </summary>
    public static byte[] Answer(byte[] query, ushort flags, IReadOnlyList<Srv> answers, int additionalCount = 0, byte[]? additional = null)
    {
        var r = new List<byte>();
        r.AddRange(query.AsSpan(0, 2).ToArray());
        AddUInt16(r, (ushort)(0x8000 | flags));
        AddUInt16(r, 1);
        AddUInt16(r, (ushort)answers.Count);
        AddUInt16(r, 0);
        AddUInt16(r, (ushort)additionalCount);
        r.AddRange(Question(query));
        foreach (var a in answers)
        {
            r.AddRange(new byte[] { 0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 30 });
            var rdata = new List<byte>();
            AddUInt16(rdata, a.Priority);
            AddUInt16(rdata, a.Weight);
            AddUInt16(rdata, a.Port);
            rdata.AddRange(Name(a.Target));
            AddUInt16(r, (ushort)rdata.Count);
            r.AddRange(rdata);
        }
        if (additional is not null) r.AddRange(additional);
        return [.. r];
    }

    /// <summary>The question section of a query (name, type, class).</summary>
    public static byte[] Question(byte[] query)
    {
        var p = 12;
        while (query[p] != 0) p += query[p] + 1;
        return query[12..(p + 5)];
    }

    /// <summary>The queried name, dotted, without the final dot.</summary>
    public static string QueryName(byte[] query)
    {
        var labels = new List<string>();
        for (var p = 12; query[p] != 0; p += query[p] + 1) labels.Add(Encoding.ASCII.GetString(query, p + 1, query[p]));
        return string.Join('.', labels);
    }

    public static byte[] Name(string name)
    {
        var r = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            r.Add((byte)label.Length);
            r.AddRange(Encoding.ASCII.GetBytes(label));
        }
        r.Add(0);
        return [.. r];
    }

    /// <summary>An A or AAAA record (owner name uncompressed) for the additional section.</summary>
    public static byte[] Address(string owner, IPAddress address)
    {
        var r = new List<byte>(Name(owner));
        AddUInt16(r, address.AddressFamily == AddressFamily.InterNetworkV6 ? (ushort)28 : (ushort)1);
        r.AddRange(new byte[] { 0, 1, 0, 0, 0, 30 });
        var bytes = address.GetAddressBytes();
        AddUInt16(r, (ushort)bytes.Length);
        r.AddRange(bytes);
        return [.. r];
    }

    public static void AddUInt16(List<byte> list, ushort value)
    {
        list.Add((byte)(value >> 8));
        list.Add((byte)value);
    }
}
