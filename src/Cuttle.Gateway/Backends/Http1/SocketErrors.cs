using System.Net.Sockets;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>Socket failures worded like Go's net package, since KrakenD shows those texts in error details and logs.</summary>
internal static class SocketErrors
{
    public static string Describe(string operation, SocketException se) => se.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => operation + ": connection refused",
        SocketError.ConnectionReset => operation + ": connection reset by peer",
        SocketError.Shutdown or SocketError.ConnectionAborted => operation + ": broken pipe",
        SocketError.TimedOut => "i/o timeout",
        SocketError.HostNotFound or SocketError.NoData => "no such host",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => operation + ": network is unreachable",
        _ => operation + ": " + se.Message.ToLowerInvariant(),
    };

    /// <summary>Go: "dial tcp 127.0.0.1:9: connect: connection refused", "dial tcp: lookup nohost: no such host".</summary>
    public static string Dial(string host, int port, SocketException se) => se.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain
        ? $"dial tcp: lookup {host}: no such host"
        : $"dial tcp {host}:{port}: {Describe("connect", se)}";
}
