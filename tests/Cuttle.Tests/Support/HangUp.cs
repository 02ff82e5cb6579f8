using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Tests.Support;

/// <summary>
/// For tests of clients that leave mid-request: a handler that waits (far longer than any test) until its request is
/// aborted, and a client that sends one request and closes its socket once the handler has it.
/// </summary>
public sealed class HangUp
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the handler saw its request aborted (RequestAborted fired).</summary>
    public Task Aborted => _aborted.Task;

    public async Task HandleAsync(HttpContext context)
    {
        _arrived.TrySetResult();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            _aborted.TrySetResult();
        }
    }

    /// <summary>Sends GET <paramref name="path"/> to the port, waits until the handler has it, then hangs up.</summary>
    public async Task SendAndLeaveAsync(int port, string path)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n"));
        await _arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
