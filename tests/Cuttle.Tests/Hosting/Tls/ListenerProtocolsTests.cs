using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Hosting.Tls;

/// <summary>The TLS listener's handshake bound, as Go's http.Server sets it (Server.tlsHandshakeTimeout).</summary>
public sealed class ListenerProtocolsTests
{
    [Fact]
    public async Task A_client_that_never_completes_the_handshake_is_cut_at_the_smallest_server_timeout()
    {
        using var certificates = new TestCertificates();
        var tls = $$"""{ "public_key": {{JsonSerializer.Serialize(certificates.ServerPem)}}, "private_key": {{JsonSerializer.Serialize(certificates.ServerKeyPem)}} }""";
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "write_timeout": "500ms", "read_timeout": "3s", "tls": {{tls}},
              "endpoints": [ { "endpoint": "/x", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] } ] }
            """);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, gw.Port);
        var clock = Stopwatch.StartNew();

        // No ClientHello: Kestrel's own bound is 10 s; Go's is the smallest of the server timeouts set (write_timeout).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            while (await socket.ReceiveAsync(new byte[256], SocketFlags.None, cts.Token) > 0) { }
        }
        catch (SocketException) { /* reset: closed as well */ }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"closed after {clock.Elapsed.TotalMilliseconds:0} ms");
    }
}
