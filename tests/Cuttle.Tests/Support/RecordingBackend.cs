using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Tests.Support;

/// <summary>
/// A raw TCP backend on 127.0.0.1 (ephemeral port) that records every byte it receives, exactly as sent, and answers
/// each request head (bodiless requests only) with 200 and the JSON its responder picks from the request line.
/// </summary>
public sealed class RecordingBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, string> _respond;
    private readonly StringBuilder _received = new();
    private readonly Task _accepting;
    private int _connections;

    public RecordingBackend(Func<string, string> respond)
    {
        _respond = respond;
        _listener.Start();
        Url = "http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoop();
    }

    public string Url { get; }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Every byte received on every connection so far, decoded as Latin-1 (one char per byte).</summary>
    public string Received
    {
        get { lock (_received) return _received.ToString(); }
    }

    private async Task AcceptLoop()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = Task.Run(() => Serve(socket));
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }

    private async Task Serve(Socket socket)
    {
        using var _ = socket;
        var buffer = new byte[65536];
        var pending = "";
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, _stop.Token);
                if (n == 0) return;
                var text = Encoding.Latin1.GetString(buffer, 0, n);
                lock (_received) _received.Append(text);
                pending += text;
                int end;
                while ((end = pending.IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    var line = pending[..pending.IndexOf("\r\n", StringComparison.Ordinal)];
                    pending = pending[(end + 4)..];
                    var body = Encoding.UTF8.GetBytes(_respond(line));
                    var head = Encoding.Latin1.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
                    await socket.SendAsync(head.Concat(body).ToArray(), SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception) { /* the gateway closed the connection or the test ended */ }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
