using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Tests.Support;

/// <summary>A client on a raw socket, for requests no HTTP client library would send.</summary>
internal static class RawClient
{
    /// <summary>Sends the bytes as Latin-1 and reads until the gateway closes (or 5 s pass); returns what arrived.</summary>
    public static async Task<string> SendAndReadToCloseAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        var received = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0) received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        return received.ToString();
    }
}
