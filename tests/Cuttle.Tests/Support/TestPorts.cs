using System.Net;
using System.Net.Sockets;

namespace Cuttle.Tests.Support;

public static class TestPorts
{
    /// <summary>A loopback port nothing listens on (bound then released), for "backend is down" cases.</summary>
    public static int Closed()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
