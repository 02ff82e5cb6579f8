using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Testing;

/// <summary>
/// A scripted HTTP/1.1 backend on a raw socket (127.0.0.1, ephemeral port) for hostile answers a real server would
/// never send: each accepted connection runs the script with its index, so tests can send exactly the bytes (and
/// closes) they need.
/// </summary>
public sealed class RawServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    public RawServer(Func<RawConnection, int, Task> script)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoop(script);
    }

    public int Port { get; }
    public string Url => "http://127.0.0.1:" + Port;
    public int Accepted => Volatile.Read(ref _accepted);
    public List<string> Requests { get; } = [];

    private async Task AcceptLoop(Func<RawConnection, int, Task> script)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                var index = Interlocked.Increment(ref _accepted) - 1;
                _ = Task.Run(async () =>
                {
                    using var connection = new RawConnection(socket, this);
                    try { await script(connection, index); }
                    catch (Exception) { /* the peer hung up or the test ended */ }
                });
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

public sealed class RawConnection(Socket socket, RawServer server) : IDisposable
{
    private readonly byte[] _buffer = new byte[65536];
    private int _length;

    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The client's port: the connection's row in /proc/net/tcp on the client side.</summary>
    public int RemotePort => ((IPEndPoint)socket.RemoteEndPoint!).Port;

    /// <summary>Reads up to the end of a request head (what follows stays buffered); null when the client closed first.</summary>
    public async Task<string?> ReadHeadAsync()
    {
        while (true)
        {
            var end = _buffer.AsSpan(0, _length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.Latin1.GetString(_buffer, 0, end + 4);
                Buffer.BlockCopy(_buffer, end + 4, _buffer, 0, _length - end - 4);
                _length -= end + 4;
                return head;
            }
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_length), SocketFlags.None);
            if (read == 0) return null;
            _length += read;
        }
    }

    /// <summary>The next bytes up to <paramref name="count"/>, or fewer when <paramref name="within"/> passes or the client closes.</summary>
    public async Task<string> ReadBytesAsync(int count, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (_length < count)
            {
                var read = await socket.ReceiveAsync(_buffer.AsMemory(_length), SocketFlags.None, timeout.Token);
                if (read == 0) break;
                _length += read;
            }
        }
        catch (OperationCanceledException) { }
        var n = Math.Min(count, _length);
        var text = Encoding.Latin1.GetString(_buffer, 0, n);
        Buffer.BlockCopy(_buffer, n, _buffer, 0, _length - n);
        _length -= n;
        return text;
    }

    /// <summary>Reads one request (head plus a Content-Length or chunked body) and records it; null when the client closed.</summary>
    public async Task<string?> ReadRequestAsync()
    {
        while (true)
        {
            var text = Encoding.Latin1.GetString(_buffer, 0, _length);
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd >= 0)
            {
                var head = text[..headEnd];
                var total = -1;
                var cl = head.IndexOf("\r\nContent-Length: ", StringComparison.OrdinalIgnoreCase);
                if (cl >= 0)
                {
                    var start = cl + "\r\nContent-Length: ".Length;
                    var end = head.IndexOf('\r', start);
                    total = headEnd + 4 + int.Parse(end < 0 ? head[start..] : head[start..end]);
                }
                else if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
                {
                    var last = text.IndexOf("\r\n0\r\n\r\n", headEnd, StringComparison.Ordinal);
                    if (last >= 0) total = last + 7;
                }
                else total = headEnd + 4;
                if (total >= 0 && _length >= total)
                {
                    var request = text[..total];
                    Buffer.BlockCopy(_buffer, total, _buffer, 0, _length - total);
                    _length -= total;
                    lock (server.Requests) server.Requests.Add(request);
                    return request;
                }
            }
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_length), SocketFlags.None);
            if (read == 0) return null;
            _length += read;
        }
    }

    /// <summary>Reads one request and returns its request line, or null when the client closed.</summary>
    public async Task<string?> ReadRequestLineAsync() =>
        await ReadRequestAsync() is { } request ? request[..request.IndexOf("\r\n", StringComparison.Ordinal)] : null;

    public async Task SendAsync(string text) => await SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length) sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    public void Dispose()
    {
        socket.Dispose();
        Closed.TrySetResult();
    }
}
