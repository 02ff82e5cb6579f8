using System.Buffers;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Cuttle.Telemetry.Logging;

/// <summary>
/// A destination the log pump writes to. Used by the pump's single thread only, so none is synchronised. A failing
/// destination says so once on stderr (through the report callback), drops what it cannot send, and tries again at
/// most every <see cref="RetryInterval"/>: the gateway keeps serving and nothing piles up.
/// </summary>
internal abstract class LogOutput : IDisposable
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly Action<string> _report;
    private bool _failing;
    private long _retryAt;

    protected LogOutput(Action<string> report) => _report = report;

    /// <summary>Lines this output could not deliver.</summary>
    public long Failed { get; private set; }

    public abstract string Name { get; }

    protected bool CanTry => !_failing || Environment.TickCount64 >= _retryAt;

    protected void Fail(string what)
    {
        Failed++;
        if (!_failing) _report($"{Name}: {what}; its log lines are dropped until it answers again");
        _failing = true;
        _retryAt = Environment.TickCount64 + (long)RetryInterval.TotalMilliseconds;
    }

    protected void Recovered()
    {
        if (_failing) _report($"{Name}: delivering again");
        _failing = false;
    }

    public abstract void Dispose();
}

/// <summary>
/// Go's log/syslog to the local daemon: a Unix datagram socket (then a stream socket) at /dev/log,
/// /var/run/syslog or /var/run/log, or the one path given (tests bind their own).
/// </summary>
internal sealed class SyslogOutput : LogOutput
{
    private static readonly string[] DefaultPaths = ["/dev/log", "/var/run/syslog", "/var/run/log"];
    private readonly string[] _paths;
    private Socket? _socket;

    public SyslogOutput(string? path, Action<string> report) : base(report) => _paths = path is null ? DefaultPaths : [path];

    public override string Name => "telemetry/logging syslog";

    /// <summary>Sends one framed message (see <see cref="LogLines.WriteSyslog"/>); retries once on a new socket, as log/syslog does.</summary>
    public void Send(ReadOnlySpan<byte> frame)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (_socket is null)
            {
                if (!CanTry) { Fail("unreachable"); return; }
                _socket = Connect(out var error);
                if (_socket is null) { Fail("cannot connect to the local syslog (" + error + ")"); return; }
            }
            try
            {
                _socket.Send(frame);
                Recovered();
                return;
            }
            catch (SocketException)
            {
                _socket.Dispose();
                _socket = null;
            }
        }
        Fail("write failed");
    }

    private Socket? Connect(out string error)
    {
        error = "no syslog socket at " + string.Join(", ", _paths);
        foreach (var path in _paths)
        {
            foreach (var type in (ReadOnlySpan<SocketType>)[SocketType.Dgram, SocketType.Stream])
            {
                var s = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);
                try
                {
                    s.Connect(new UnixDomainSocketEndPoint(path));
                    return s;
                }
                catch (SocketException ex)
                {
                    error = $"{path}: {ex.Message}";
                    s.Dispose();
                }
            }
        }
        return null;
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        _socket = null;
    }
}

/// <summary>
/// go-gelf v2's writers. UDP: the message gzip-compressed (flate.BestSpeed), sent whole when it fits in 1420 bytes,
/// else in chunks of 1408 bytes behind the 12-byte chunk header (0x1e 0x0f, an 8-byte random id, sequence, count);
/// more than 128 chunks is refused. TCP: the uncompressed message and a NUL byte, reconnecting on failure.
/// </summary>
internal sealed class GelfOutput : LogOutput
{
    public const int ChunkSize = 1420;
    private const int ChunkHeader = 12;
    private const int ChunkData = ChunkSize - ChunkHeader;

    private readonly string _host;
    private readonly int _port;
    private readonly bool _tcp;
    private Socket? _socket;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private readonly MemoryStream _compressed = new();

    public GelfOutput(string host, int port, bool tcp, Action<string> report) : base(report)
    {
        _host = host.Length == 0 ? "localhost" : host;
        _port = port;
        _tcp = tcp;
    }

    public bool Tcp => _tcp;

    public override string Name => $"telemetry/gelf {(_tcp ? "tcp" : "udp")}://{_host}:{_port}";

    public void Send(ReadOnlySpan<byte> message)
    {
        if (_socket is null)
        {
            if (!CanTry) { Fail("unreachable"); return; }
            _socket = Connect(out var error);
            if (_socket is null) { Fail("cannot connect (" + error + ")"); return; }
        }
        try
        {
            if (_tcp) SendTcp(message);
            else SendUdp(message);
            Recovered();
        }
        catch (SocketException ex)
        {
            _socket.Dispose();
            _socket = null;
            Fail("send failed (" + ex.Message + ")");
        }
    }

    private void SendTcp(ReadOnlySpan<byte> message)
    {
        var frame = ArrayPool<byte>.Shared.Rent(message.Length + 1);
        try
        {
            message.CopyTo(frame);
            frame[message.Length] = 0;
            var sent = 0;
            while (sent < message.Length + 1) sent += _socket!.Send(frame, sent, message.Length + 1 - sent, SocketFlags.None);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private void SendUdp(ReadOnlySpan<byte> message)
    {
        _compressed.SetLength(0);
        using (var gz = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(message);
        var z = _compressed.GetBuffer().AsSpan(0, (int)_compressed.Length);
        if (z.Length <= ChunkSize)
        {
            _socket!.Send(z);
            return;
        }
        var chunks = z.Length / ChunkData + 1;
        if (chunks > 128)
        {
            Fail($"message too large, would need {chunks} chunks");
            return;
        }
        _chunk[0] = 0x1e;
        _chunk[1] = 0x0f;
        RandomNumberGenerator.Fill(_chunk.AsSpan(2, 8));
        _chunk[11] = (byte)chunks;
        for (var i = 0; i < chunks; i++)
        {
            _chunk[10] = (byte)i;
            var off = i * ChunkData;
            var len = Math.Min(ChunkData, z.Length - off);
            z.Slice(off, len).CopyTo(_chunk.AsSpan(ChunkHeader));
            _socket!.Send(_chunk.AsSpan(0, ChunkHeader + len));
        }
    }

    private Socket? Connect(out string error)
    {
        error = "";
        try
        {
            var addresses = IPAddress.TryParse(_host, out var ip) ? [ip] : Dns.GetHostAddresses(_host);
            foreach (var address in addresses)
            {
                var s = new Socket(address.AddressFamily, _tcp ? SocketType.Stream : SocketType.Dgram, _tcp ? ProtocolType.Tcp : ProtocolType.Udp);
                try
                {
                    if (_tcp)
                    {
                        // Bounded: the pump's thread must not hang on a black-holed address.
                        var connect = s.ConnectAsync(new IPEndPoint(address, _port));
                        if (!connect.Wait(TimeSpan.FromSeconds(2))) throw new SocketException((int)SocketError.TimedOut);
                    }
                    else
                    {
                        s.Connect(new IPEndPoint(address, _port));
                    }
                    return s;
                }
                catch (Exception ex) when (ex is SocketException or AggregateException)
                {
                    error = (ex as AggregateException)?.InnerException?.Message ?? ex.Message;
                    s.Dispose();
                }
            }
            if (error.Length == 0) error = "no address for " + _host;
        }
        catch (SocketException ex)
        {
            error = ex.Message;
        }
        return null;
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        _socket = null;
    }
}
