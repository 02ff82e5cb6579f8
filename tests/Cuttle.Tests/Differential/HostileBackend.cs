using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Tests.Differential;

/// <summary>
/// A raw TCP backend on 127.0.0.1 that answers each request by playing the script of the exchange named in its path
/// (GET /x/&lt;exchange id&gt;). Connections stay open between requests unless a script closes or resets them, so
/// whatever a script leaves behind (bytes past a body, a late answer, a half-closed socket) meets the next request
/// the client sends on that connection. It records which exchanges reached it.
/// </summary>
public sealed class HostileBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, Script> _scripts = new();
    private readonly ConcurrentDictionary<string, int> _received = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;
    private long _connections;
    private long _lateWritten;
    private long _lateSkipped;

    public HostileBackend()
    {
        _listener.Start(4096);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoop();
    }

    public int Port { get; }
    public string Url => "http://127.0.0.1:" + Port;
    public long Connections => Interlocked.Read(ref _connections);
    public long LateWritten => Interlocked.Read(ref _lateWritten);
    public long LateSkipped => Interlocked.Read(ref _lateSkipped);

    public void Register(long number, Script script) => _scripts[number] = script;
    public void Unregister(long number) => _scripts.TryRemove(number, out _);

    /// <summary>How many times a request for the exchange arrived (a client may retry on a new connection).</summary>
    public int TimesReceived(string id) => _received.TryGetValue(id, out var n) ? n : 0;

    public void ForgetReceived(string id) => _received.TryRemove(id, out _);

    private async Task AcceptLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                socket.NoDelay = true;
                _open[socket] = 0;
                _ = Task.Run(() => Serve(socket));
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task Serve(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        try
        {
            while (true)
            {
                // One request head (the clients send bodiless GETs).
                int headEnd;
                while ((headEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (length == buffer.Length) return;
                    var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, _stop.Token);
                    if (read == 0) return;
                    length += read;
                }
                var line = Encoding.Latin1.GetString(buffer, 0, buffer.AsSpan(0, headEnd).IndexOf("\r\n"u8) is var e and >= 0 ? e : headEnd);
                var consumed = headEnd + 4;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
                length -= consumed;

                var id = ParseId(line);
                if (id is null || !_scripts.TryGetValue(ExchangeId.Number(id), out var script))
                {
                    await SendAsync(socket, Wire.Bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                    return;
                }
                _received.AddOrUpdate(id, 1, static (_, n) => n + 1);

                var rendered = script.Render(id);
                for (var s = 0; s < script.Steps.Count; s++)
                {
                    switch (script.Steps[s])
                    {
                        case Write or Rendered:
                            await SendAsync(socket, rendered[s]);
                            break;
                        case Drip d:
                        {
                            var bytes = rendered[s];
                            for (var at = 0; at < bytes.Length; at += d.PieceSize)
                            {
                                if (at > 0) await Task.Delay(d.PauseMs, _stop.Token);
                                await SendAsync(socket, bytes.AsMemory(at, Math.Min(d.PieceSize, bytes.Length - at)));
                            }
                            break;
                        }
                        case Delay delay:
                            await Task.Delay(delay.Milliseconds, _stop.Token);
                            break;
                        case Late late:
                        {
                            // Unsolicited bytes only on an idle connection: if the client's next request (or its
                            // hang-up) arrives during the pause, the connection is not idle and nothing is written.
                            using var pause = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                            pause.CancelAfter(late.PauseMs);
                            int read;
                            try { read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, pause.Token); }
                            catch (OperationCanceledException) when (!_stop.IsCancellationRequested) { read = -1; }
                            if (read == 0) return;
                            if (read > 0)
                            {
                                length += read;
                                Interlocked.Increment(ref _lateSkipped);
                                break;
                            }
                            await SendAsync(socket, rendered[s]);
                            Interlocked.Increment(ref _lateWritten);
                            break;
                        }
                        case Close:
                            socket.Shutdown(SocketShutdown.Send);
                            // Drain until the client hangs up, so the close is a FIN and never an RST for unread bytes.
                            using (var linger = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                            {
                                linger.CancelAfter(TimeSpan.FromSeconds(5));
                                try { while (await socket.ReceiveAsync(buffer, SocketFlags.None, linger.Token) > 0) { } }
                                catch (OperationCanceledException) { }
                            }
                            return;
                        case Reset:
                            socket.LingerState = new LingerOption(true, 0);
                            return;
                    }
                }
            }
        }
        catch (SocketException) { }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        finally
        {
            _open.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    private static string? ParseId(string requestLine)
    {
        var at = requestLine.IndexOf("/x/", StringComparison.Ordinal);
        if (at < 0 || at + 3 + ExchangeId.Length > requestLine.Length) return null;
        var id = requestLine.Substring(at + 3, ExchangeId.Length);
        return ExchangeId.Number(id) >= 0 ? id : null;
    }

    private static async Task SendAsync(Socket socket, ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[sent..];
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        foreach (var socket in _open.Keys) socket.Dispose();
        _stop.Dispose();
    }
}
