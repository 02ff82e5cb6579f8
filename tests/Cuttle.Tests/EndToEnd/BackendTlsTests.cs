using System.Net;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends;
using Cuttle.Hosting;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// client_tls against real Kestrel HTTPS backends with certificates made by the test: trust through ca_certs, refusal
/// of an unknown issuer, allow_insecure_connections, a client certificate for a backend that requires one, and one
/// TLS connection reused for sequential requests. Each runs on both transports: the own HTTP/1.1 client (through the
/// gateway) and SocketsHttpHandler (the generation's invoker, which sd: dns backends and JWK fetches use).
/// </summary>
public sealed class BackendTlsTests : IDisposable
{
    private readonly TestCertificates _pki = new();

    public void Dispose() => _pki.Dispose();

    public static TheoryData<string> Transports => new() { "lean", "sockets" };

    private static string Config(string clientTls, string backendUrl, string root = "") => $$"""
        { "version": 3, {{root}} {{(clientTls.Length > 0 ? $"\"client_tls\": {clientTls}," : "")}}
          "endpoints": [ { "endpoint": "/tls", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/tls" } ] } ] }
        """;

    /// <summary>Sends <paramref name="count"/> sequential requests on the transport; returns how many succeeded (200 with the body).</summary>
    private static async Task<int> CallAsync(string transport, string json, int count = 1)
    {
        var ok = 0;
        if (transport == "lean")
        {
            await using var gw = await GatewayHarness.StartAsync(json);
            for (var i = 0; i < count; i++)
            {
                using var response = await gw.Client.GetAsync("/tls");
                if (response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync()).Contains("\"ok\":true", StringComparison.Ordinal)) ok++;
                else Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode); // KrakenD's answer to a failed backend
            }
            return ok;
        }
        var config = Load(json);
        var client = BackendClient.For(config, previous: null);
        try
        {
            for (var i = 0; i < count; i++)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, config.Endpoints[0].Backend[0].Host[0] + "/tls");
                    using var response = await client.Transport.Invoker.SendAsync(request, CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.OK) ok++;
                }
                catch (HttpRequestException)
                {
                }
            }
            return ok;
        }
        finally
        {
            client.Release();
        }
    }

    private static GatewayConfig Load(string json)
    {
        var dir = Directory.CreateTempSubdirectory("cuttle-tls-config-").FullName;
        var path = Path.Combine(dir, "krakend.json");
        File.WriteAllText(path, json);
        var loaded = ConfigSource.Load(path);
        Directory.Delete(dir, recursive: true);
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return loaded.Config!;
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_backend_signed_by_a_ca_in_ca_certs_is_trusted(string transport)
    {
        await using var backend = await TlsBackend.StartAsync(_pki.Server);

        Assert.Equal(1, await CallAsync(transport, Config($$"""{ "ca_certs": ["{{_pki.CaPem}}"] }""", backend.Url)));
        Assert.Equal(1, await CallAsync(transport, Config($$"""{ "ca_certs": ["{{_pki.CaPem}}"], "disable_system_ca_pool": true }""", backend.Url)));
        Assert.Equal(2, backend.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_backend_whose_issuer_is_not_trusted_is_refused_before_any_request(string transport)
    {
        await using var backend = await TlsBackend.StartAsync(_pki.Server);

        Assert.Equal(0, await CallAsync(transport, Config($$"""{ "ca_certs": ["{{_pki.OtherCaPem}}"] }""", backend.Url)));
        Assert.Equal(0, await CallAsync(transport, Config("", backend.Url))); // system roots only
        Assert.Equal(0, await CallAsync(transport, Config("""{ "disable_system_ca_pool": true }""", backend.Url)));
        Assert.Empty(backend.Requests);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Allow_insecure_connections_accepts_a_certificate_nobody_trusts(string transport)
    {
        await using var backend = await TlsBackend.StartAsync(_pki.Server);

        Assert.Equal(1, await CallAsync(transport, Config("""{ "allow_insecure_connections": true }""", backend.Url)));
        // The legacy root field is copied into client_tls, as lura's InitHTTPDefaultTransport does.
        Assert.Equal(1, await CallAsync(transport, Config("", backend.Url, root: "\"allow_insecure_connections\": true,")));
        Assert.Equal(2, backend.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_client_certificate_is_presented_to_a_backend_that_requires_one(string transport)
    {
        await using var backend = await TlsBackend.StartAsync(_pki.Server, clientCa: _pki.Ca);

        Assert.Equal(0, await CallAsync(transport, Config($$"""{ "ca_certs": ["{{_pki.CaPem}}"] }""", backend.Url)));
        Assert.Empty(backend.Requests);

        Assert.Equal(1, await CallAsync(transport, Config($$"""
            { "ca_certs": ["{{_pki.CaPem}}"], "client_certs": [ { "certificate": "{{_pki.ClientPem}}", "private_key": "{{_pki.ClientKeyPem}}" } ] }
            """, backend.Url)));
        Assert.Equal("CN=cuttle-gateway", Assert.Single(backend.Requests).ClientCertificate);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Sequential_requests_reuse_one_tls_connection(string transport)
    {
        await using var backend = await TlsBackend.StartAsync(_pki.Server);

        Assert.Equal(20, await CallAsync(transport, Config($$"""{ "ca_certs": ["{{_pki.CaPem}}"] }""", backend.Url), count: 20));

        Assert.Equal(20, backend.Requests.Count);
        Assert.Single(backend.Requests.Select(r => r.ConnectionId).Distinct());
        Assert.Equal(1, backend.Handshakes);
    }

    [Fact]
    public void Https_static_backends_go_through_the_own_client()
    {
        var config = Load(Config($$"""{ "ca_certs": ["{{_pki.CaPem}}"] }""", "https://localhost:8443"));
        var client = BackendClient.For(config, previous: null);
        try
        {
            var caller = new BackendCaller(config.Endpoints[0].Backend[0], config.Endpoints[0], client.Transport);
            Assert.True(caller.UsesLeanClient);
        }
        finally
        {
            client.Release();
        }
    }

    [Fact]
    public void A_changed_certificate_file_gives_a_new_pool_on_reload_and_an_unchanged_one_keeps_it()
    {
        var json = Config($$"""{ "ca_certs": ["{{_pki.CaPem}}"] }""", "https://localhost:8443");
        var first = BackendClient.For(Load(json), previous: null);
        var same = BackendClient.For(Load(json), first);
        Assert.Same(first, same);
        File.Copy(_pki.OtherCaPem, _pki.CaPem, overwrite: true);
        var changed = BackendClient.For(Load(json), first);
        Assert.NotSame(first, changed);
        changed.Release();
        same.Release();
        first.Release();
    }
}
