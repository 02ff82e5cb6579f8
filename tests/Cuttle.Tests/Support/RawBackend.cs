using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Tests.Support;

/// <summary>
/// A scripted HTTP/1.1 backend on a raw socket (127.0.0.1, ephemeral port) for hostile answers a real server would
/// never send: each accepted connection runs the script with its index.
/// </summary>
public sealed class RawBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    public RawBackend(Func<RawBackendConnection, int, Task> script)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoop(script);
    }

    public int Port { get; }
    public string Url => "http://127.0.0.1:" + Port;
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptLoop(Func<RawBackendConnection, int, Task> script)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                var index = Interlocked.Increment(ref _accepted) - 1;
                _ = Task.Run(async () =>
                {
                    using var connection = new RawBackendConnection(socket);
                    try { await script(connection, index); }
                    catch (Exception) { /* the gateway hung up or the test ended */ }
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

public sealed class RawBackendConnection(Socket socket) : IDisposable
{
    private readonly byte[] _buffer = new byte[65536];
    private int _length;

    /// <summary>Reads one bodiless request head; returns its request line, or null when the peer closed.</summary>
    public async Task<string?> ReadRequestLineAsync()
    {
        while (true)
        {
            var headEnd = _buffer.AsSpan(0, _length).IndexOf("\r\n\r\n"u8);
            if (headEnd >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, 0, _buffer.AsSpan(0, headEnd).IndexOf("\r\n"u8) is var e and >= 0 ? e : headEnd);
                var total = headEnd + 4;
                Buffer.BlockCopy(_buffer, total, _buffer, 0, _length - total);
                _length -= total;
                return line;
            }
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_length), SocketFlags.None);
            if (read == 0) return null;
            _length += read;
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length) sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    public void Dispose() => socket.Dispose();
}
