using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Cuttle.Hosting;
using Cuttle.Testing;
using Cuttle.Tests.Support;
using Xunit.Abstractions;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// The service's tls block over real sockets, with certificates the tests issue from their own CA: HTTPS only on the
/// port, HTTP/2 by ALPN with KrakenD's response unchanged, h2c with prior knowledge, mTLS, SNI over keys, the TLS 1.3
/// default, and certificates rotated on disk (a Kubernetes Secret's ..data symlink swap) without a restart.
/// </summary>
public sealed class ServerTlsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-tls-").FullName;
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create();

    public void Dispose()
    {
        _ca.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static string Config(string backendUrl, string tls, string extra = "") => $$"""
        { "version": 3, "port": 0, "timeout": "2s", {{extra}}
          {{(tls.Length > 0 ? "\"tls\": " + tls + "," : "")}}
          "endpoints": [ { "endpoint": "/api", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/data" } ] } ] }
        """;

    private static string Json(string s) => JsonSerializer.Serialize(s);

    private static Task<FakeBackend> Backend() => FakeBackend.JsonAsync("""{"hello":"world","n":1}""");

    /// <summary>A client that trusts only this test's CA and records the serial of every certificate it is shown.</summary>
    private HttpClient Client(int port, ConcurrentQueue<string>? serials = null, X509Certificate2? clientCertificate = null,
        SslProtocols protocols = SslProtocols.None, string? serverName = null, bool newConnectionEachRequest = false)
    {
        var ca = _ca.Certificate;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = newConnectionEachRequest ? TimeSpan.Zero : Timeout.InfiniteTimeSpan,
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = protocols,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null) return false;
                    serials?.Enqueue(certificate.GetSerialNumberString());
                    return certificate.Issuer == ca.Subject;
                },
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            },
            // Any name resolves to the gateway, so that a test can send the SNI name it wants.
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{serverName ?? "localhost"}:{port}") };
    }

    private string Pair(TestCertificate certificate, string name) =>
        $$"""{ "public_key": {{Json(certificate.WriteTo(Path.Combine(_dir, name)).Certificate)}}, "private_key": {{Json(Path.Combine(_dir, name, "tls.key"))}} }""";

    [Fact]
    public async Task Https_is_served_and_clear_text_on_the_same_port_is_not()
    {
        await using var backend = await Backend();
        using var server = _ca.IssueServer("localhost");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, Pair(server, "a")));
        var serials = new ConcurrentQueue<string>();
        using var client = Client(gw.Port, serials);

        using var response = await client.GetAsync("/api");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"hello":"world","n":1}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(server.Serial, Assert.Single(serials.Distinct()));
        // Clear text on the TLS port gets no answer from the gateway.
        var plain = await Record.ExceptionAsync(async () =>
        {
            using var r = await gw.Client.GetAsync("/api");
            Assert.NotEqual(HttpStatusCode.OK, r.StatusCode);
        });
        Assert.True(plain is null or HttpRequestException, plain?.ToString());
    }

    [Fact]
    public async Task Http2_is_negotiated_by_alpn_and_answers_the_bytes_and_headers_of_http11()
    {
        await using var backend = await Backend();
        using var server = _ca.IssueServer("localhost");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, Pair(server, "a")));
        using var client = Client(gw.Port);

        using var h1 = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        using var h2 = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });

        Assert.Equal(HttpVersion.Version11, h1.Version);
        Assert.Equal(HttpVersion.Version20, h2.Version);
        Assert.Equal(h1.StatusCode, h2.StatusCode);
        Assert.Equal(await h1.Content.ReadAsByteArrayAsync(), await h2.Content.ReadAsByteArrayAsync());
        Assert.Equal(Headers(h1), Headers(h2));
        Assert.Equal("true", h2.Headers.GetValues("X-Krakend-Completed").Single());
    }

    /// <summary>Every header but Date, which is the clock's.</summary>
    private static string Headers(HttpResponseMessage response) => string.Join("\n", response.Headers.Concat(response.Content.Headers)
        .Where(h => h.Key != "Date")
        .Select(h => h.Key.ToLowerInvariant() + ": " + string.Join(",", h.Value))
        .Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("\"use_h2c\": true,")]
    [InlineData("\"extra_config\": { \"router\": { \"use_h2c\": true } },")]
    public async Task Use_h2c_serves_http2_with_prior_knowledge_and_http11_on_the_same_port(string setting)
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "", setting));

        using var h2 = await gw.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        using var h1 = await gw.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact });

        Assert.Equal(HttpVersion.Version20, h2.Version);
        Assert.Equal(HttpVersion.Version11, h1.Version);
        Assert.Equal(HttpStatusCode.OK, h2.StatusCode);
        Assert.Equal(await h1.Content.ReadAsByteArrayAsync(), await h2.Content.ReadAsByteArrayAsync());
        Assert.Equal(Headers(h1), Headers(h2));
    }

    [Fact]
    public async Task Without_use_h2c_a_clear_text_port_speaks_http11_only()
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, ""));

        await Assert.ThrowsAsync<HttpRequestException>(() => gw.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact }));
    }

    [Fact]
    public async Task Mtls_accepts_a_client_certificate_of_ca_certs_and_refuses_none_or_another_cas()
    {
        await using var backend = await Backend();
        using var server = _ca.IssueServer("localhost");
        using var good = _ca.IssueClient("good");
        using var otherCa = TestCertificateAuthority.Create("Other CA");
        using var stranger = otherCa.IssueClient("stranger");
        var caFile = Path.Combine(_dir, "ca.pem");
        await File.WriteAllTextAsync(caFile, _ca.CertificatePem);
        var pair = Pair(server, "a");
        var tls = pair[..^1] + $$""", "enable_mtls": true, "disable_system_ca_pool": true, "ca_certs": [{{Json(caFile)}}] }""";
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, tls));

        using (var client = Client(gw.Port, clientCertificate: good.Certificate))
        {
            using var ok = await client.GetAsync("/api");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var client = Client(gw.Port))
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/api"));
        using (var client = Client(gw.Port, clientCertificate: stranger.Certificate))
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/api"));
    }

    [Fact]
    public async Task Sni_picks_the_certificate_from_keys_and_an_unknown_name_gets_the_first()
    {
        await using var backend = await Backend();
        using var a = _ca.IssueServer("a.example");
        using var b = _ca.IssueServer("b.example", "*.b.example");
        var tls = $$"""{ "keys": [ {{Pair(a, "a")}}, {{Pair(b, "b")}} ] }""";
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, tls));

        async Task<string> ServedFor(string name)
        {
            var serials = new ConcurrentQueue<string>();
            using var client = Client(gw.Port, serials, serverName: name);
            using var r = await client.GetAsync("/api");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return serials.Single();
        }

        Assert.Equal(b.Serial, await ServedFor("b.example"));
        Assert.Equal(b.Serial, await ServedFor("x.b.example"));
        Assert.Equal(a.Serial, await ServedFor("a.example"));
        Assert.Equal(a.Serial, await ServedFor("unknown.example"));
    }

    [Fact]
    public async Task The_default_minimum_is_tls13_and_min_version_tls12_lets_a_tls12_client_in()
    {
        await using var backend = await Backend();
        using var server = _ca.IssueServer("localhost");
        var pair = Pair(server, "a");
        await using (var gw = await GatewayHarness.StartAsync(Config(backend.Url, pair)))
        {
            using var tls12 = Client(gw.Port, protocols: SslProtocols.Tls12);
            await Assert.ThrowsAsync<HttpRequestException>(() => tls12.GetAsync("/api"));
        }
        await using (var gw = await GatewayHarness.StartAsync(Config(backend.Url, pair[..^1] + ", \"min_version\": \"TLS12\" }")))
        {
            using var tls12 = Client(gw.Port, protocols: SslProtocols.Tls12);
            using var r = await tls12.GetAsync("/api");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }

    /// <summary>A Kubernetes Secret volume: tls.crt and tls.key link into ..data, which links to a timestamped directory.</summary>
    private sealed class SecretVolume(string root)
    {
        private int _n;

        public string Certificate => Path.Combine(root, "tls.crt");
        public string Key => Path.Combine(root, "tls.key");

        public void Write(string certificatePem, string keyPem)
        {
            Directory.CreateDirectory(root);
            var version = $"..2026_12_07_{++_n}";
            var dir = Path.Combine(root, version);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "tls.crt"), certificatePem);
            File.WriteAllText(Path.Combine(dir, "tls.key"), keyPem);
            // kubelet: a new ..data_tmp link renamed over ..data, in one atomic step.
            var tmp = Path.Combine(root, "..data_tmp");
            Directory.CreateSymbolicLink(tmp, version);
            // rename(2), as kubelet's os.Rename: File.Move refuses a link to a directory.
            if (Rename(tmp, Path.Combine(root, "..data")) != 0) throw new IOException("rename ..data_tmp failed: " + Marshal.GetLastPInvokeError());
            if (!File.Exists(Certificate) && new FileInfo(Certificate).LinkTarget is null)
            {
                File.CreateSymbolicLink(Certificate, "..data/tls.crt");
                File.CreateSymbolicLink(Key, "..data/tls.key");
            }
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);

    private static string Files(string certificatePath, string keyPath) =>
        $$"""{ "public_key": {{Json(certificatePath)}}, "private_key": {{Json(keyPath)}} }""";

    [Fact]
    public async Task A_secret_symlink_swap_rotates_the_certificate_for_new_connections_without_a_failed_request()
    {
        await using var backend = await Backend();
        using var first = _ca.IssueServer("localhost");
        using var second = _ca.IssueServer("localhost");
        var volume = new SecretVolume(Path.Combine(_dir, "secret"));
        volume.Write(first.CertificatePem, first.KeyPem);
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, Files(volume.Certificate, volume.Key)));

        // A keep-alive connection opened before the swap.
        var keptSerials = new ConcurrentQueue<string>();
        using var kept = Client(gw.Port, keptSerials);
        using (var r = await kept.GetAsync("/api")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        // New connections, one per request, all along.
        var serials = new ConcurrentQueue<string>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        using var fresh = Client(gw.Port, serials, newConnectionEachRequest: true);
        long requests = 0;
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var r = await fresh.GetAsync("/api");
                    if (r.StatusCode != HttpStatusCode.OK) failures.Enqueue(((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                catch (HttpRequestException ex)
                {
                    failures.Enqueue(ex.Message);
                }
                Interlocked.Increment(ref requests);
            }
        });
        await Task.Delay(200);

        volume.Write(second.CertificatePem, second.KeyPem);
        var swapped = Stopwatch.StartNew();
        while (!serials.Contains(second.Serial) && swapped.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(20);
        var seenAfter = swapped.Elapsed;
        await Task.Delay(200);
        await stop.CancelAsync();
        await loop;

        output.WriteLine($"new serial first seen {seenAfter.TotalMilliseconds:0} ms after the swap; {requests} requests, {failures.Count} failed");
        Assert.Empty(failures);
        Assert.Contains(first.Serial, serials);
        Assert.True(seenAfter < TimeSpan.FromSeconds(2), $"the new serial was first seen {seenAfter.TotalMilliseconds:0} ms after the swap");
        Assert.True(requests > 3, $"only {requests} requests"); // a handshake each: few on a loaded machine
        // The kept connection still works, on its first handshake.
        using (var r = await kept.GetAsync("/api")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal([first.Serial], keptSerials);
    }

    [Fact]
    public async Task A_broken_new_pair_is_rejected_the_old_certificate_keeps_serving_and_health_says_why()
    {
        await using var backend = await Backend();
        using var first = _ca.IssueServer("localhost");
        using var second = _ca.IssueServer("localhost");
        using var other = _ca.IssueServer("localhost");
        var volume = new SecretVolume(Path.Combine(_dir, "secret"));
        volume.Write(first.CertificatePem, first.KeyPem);
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, Files(volume.Certificate, volume.Key)), debug: true);

        volume.Write(second.CertificatePem, other.KeyPem); // the key of another certificate
        var serials = new ConcurrentQueue<string>();
        using var client = Client(gw.Port, serials, newConnectionEachRequest: true);
        string? error = null;
        var waited = Stopwatch.StartNew();
        while (error is null && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(100);
            using var health = await client.GetAsync("/__health");
            using var doc = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
            var tls = doc.RootElement.GetProperty("cuttle").GetProperty("tls");
            if (tls.GetProperty("last_rotation_error").ValueKind == JsonValueKind.String) error = tls.GetProperty("last_rotation_error").GetString();
        }

        Assert.NotNull(error);
        Assert.Contains("does not match", error);
        Assert.Contains("tls.key", error);
        Assert.DoesNotContain(second.Serial, serials);
        Assert.All(serials, s => Assert.Equal(first.Serial, s));

        // Repaired: the next change is applied and the error clears.
        volume.Write(second.CertificatePem, second.KeyPem);
        waited.Restart();
        while (!serials.Contains(second.Serial) && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
            using var r = await client.GetAsync("/__health");
        }
        Assert.Contains(second.Serial, serials);
    }

    [Fact]
    public async Task A_config_reload_with_a_new_tls_block_serves_its_certificate_to_new_connections()
    {
        await using var backend = await Backend();
        using var first = _ca.IssueServer("localhost");
        using var second = _ca.IssueServer("localhost");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, Pair(first, "a")));
        var keptSerials = new ConcurrentQueue<string>();
        using var kept = Client(gw.Port, keptSerials);
        using (var r = await kept.GetAsync("/api")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        await File.WriteAllTextAsync(gw.ConfigPath, Config(backend.Url, Pair(second, "b")[..^1] + ", \"min_version\": \"TLS12\" }"));
        var outcome = await new ConfigReloader(gw.Server, gw.ConfigPath).ReloadNow();

        Assert.True(outcome.Applied, outcome.Error);
        var serials = new ConcurrentQueue<string>();
        using (var fresh = Client(gw.Port, serials, protocols: SslProtocols.Tls12))
        using (var r = await fresh.GetAsync("/api"))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal([second.Serial], serials);
        using (var r = await kept.GetAsync("/api")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal([first.Serial], keptSerials);
    }

    [Fact]
    public async Task A_reload_that_turns_tls_off_on_the_same_port_is_refused_and_https_keeps_serving()
    {
        await using var backend = await Backend();
        using var server = _ca.IssueServer("localhost");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, Pair(server, "a")));

        await File.WriteAllTextAsync(gw.ConfigPath, Config(backend.Url, ""));
        var outcome = await new ConfigReloader(gw.Server, gw.ConfigPath).ReloadNow();

        Assert.False(outcome.Applied);
        Assert.Contains("needs a restart", outcome.Error);
        using var client = Client(gw.Port);
        using var r = await client.GetAsync("/api");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }
}
