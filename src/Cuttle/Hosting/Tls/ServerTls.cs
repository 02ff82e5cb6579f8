using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cuttle.Config.Model;
using Cuttle.Config.Tls;
using Cuttle.Diagnostics;
using Cuttle.Gateway;
using Cuttle.Watch.Files;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Cuttle.Hosting.Tls;

/// <summary>
/// The listener's TLS: answers every handshake (Kestrel's <see cref="TlsHandshakeCallbackOptions"/>) from one
/// immutable snapshot of certificates and settings (<see cref="TlsMaterial"/>), and replaces that snapshot when the
/// certificate, key or CA files change on disk (<see cref="FileChangeWatcher"/>: in-place writes, renames and a
/// Kubernetes Secret's <c>..data</c> symlink swap) or when a configuration reload brings a new tls block. A handshake
/// reads the snapshot once; connections already open keep the certificate they were made with. A new pair that does
/// not load (unreadable, not PEM, key and certificate apart, expired) is refused with a log line and shown in the
/// /__health details, and the old one keeps serving.
/// </summary>
/// <remarks>Handshakes are per connection, not per request: the request path of a clear-text listener never sees this type.</remarks>
internal sealed partial class ServerTls : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ReloadStatusSource _status;
    private readonly TimeSpan? _pollInterval;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile TlsMaterial _material;
    private ServerTlsOptions _options;
    private FileChangeWatcher? _watcher;
    private IReadOnlyList<string> _watched = [];
    private long _rotations, _rejected;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;

    private ServerTls(ServerTlsOptions options, TlsMaterial material, ILogger logger, TimeProvider time, ReloadStatusSource status, TimeSpan? pollInterval)
    {
        _options = options;
        _material = material;
        _logger = logger;
        _time = time;
        _status = status;
        _pollInterval = pollInterval;
    }

    /// <summary>Loads every file of <paramref name="options"/> and starts watching them.</summary>
    /// <exception cref="TlsFileException">A file cannot be used; the server must not start.</exception>
    public static ServerTls Start(ServerTlsOptions options, ILoggerFactory loggerFactory, TimeProvider time, ReloadStatusSource status, TimeSpan? pollInterval = null)
    {
        var material = TlsMaterial.Load(options, time.GetUtcNow());
        var tls = new ServerTls(options, material, loggerFactory.CreateLogger("Cuttle.Hosting.Tls"), time, status, pollInterval);
        tls.Publish();
        tls.Watch();
        Log.Serving(tls._logger, material.Describe());
        return tls;
    }

    /// <summary>The snapshot new handshakes use (tests read the serials from it).</summary>
    internal TlsMaterial Material => _material;

    /// <summary>Kestrel's per-handshake callback: the certificate for the client's SNI name and the settings, from one snapshot.</summary>
    /// <remarks>
    /// The options object is built once per certificate when the snapshot loads and handed to every handshake (SslStream
    /// copies what it needs, nothing writes to it): a handshake allocates nothing here, and a rotation's new snapshot
    /// brings new objects, so new handshakes get the new certificate.
    /// </remarks>
    public ValueTask<SslServerAuthenticationOptions> OnConnectionAsync(TlsHandshakeCallbackContext context) =>
        new(_material.OptionsFor(context.ClientHelloInfo.ServerName));

    /// <summary>A configuration reload's tls block: loads it now (the reload is refused if it cannot) and watches its files.</summary>
    /// <exception cref="TlsFileException">A file of the new block cannot be used; nothing changed.</exception>
    public async Task ApplyAsync(ServerTlsOptions options)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _material = TlsMaterial.Load(options, _time.GetUtcNow());
            _options = options;
            _lastError = null;
            _lastErrorAt = null;
            Publish();
        }
        finally
        {
            _gate.Release();
        }
        Watch();
    }

    /// <summary>Re-reads the files of the live tls block (the watcher calls this after a change).</summary>
    internal async Task ReloadFilesAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            try
            {
                var next = TlsMaterial.Load(_options, _time.GetUtcNow());
                _material = next;
                _rotations++;
                _lastError = null;
                _lastErrorAt = null;
                Log.Rotated(_logger, next.Describe());
            }
            catch (Exception ex) when (ex is TlsFileException or CryptographicException or IOException or ArgumentException)
            {
                // Whatever the files hold, the watcher must live on and the old certificate keep serving.
                _rejected++;
                _lastError = ex.Message;
                _lastErrorAt = _time.GetUtcNow();
                Log.RotationRejected(_logger, ex.Message, _material.Describe());
            }
            Publish();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Publish()
    {
        var material = _material;
        var certificates = ImmutableArray.CreateBuilder<TlsCertificateStatus>(material.Certificates.Length);
        foreach (var c in material.Certificates)
            certificates.Add(new TlsCertificateStatus(c.Leaf.Subject, c.Leaf.SerialNumber, new DateTimeOffset(c.Leaf.NotAfter.ToUniversalTime()), c.CertificateFile));
        _status.Tls = new TlsStatus(certificates.MoveToImmutable(), _rotations, _rejected, _lastError, _lastErrorAt);
    }

    private void Watch()
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var k in _options.Keys)
        {
            files.Add(Path.GetFullPath(k.PublicKey));
            files.Add(Path.GetFullPath(k.PrivateKey));
        }
        if (_options.EnableMtls) foreach (var ca in _options.CaCerts) files.Add(Path.GetFullPath(ca));
        IReadOnlyList<string> wanted = [.. files];
        if (_watcher is not null && wanted.SequenceEqual(_watched)) return;
        var next = new FileChangeWatcher(new FileChangeWatcherOptions
        {
            Paths = wanted,
            // A Secret's volume is updated by kubelet with a symlink swap, which inotify reports; the poll is the
            // safety net for file systems that report nothing (bind mounts, network volumes).
            PollInterval = _pollInterval ?? TimeSpan.FromSeconds(1),
            VerifyContent = true,
            TimeProvider = _time,
        }, (_, _) => ReloadFilesAsync());
        try
        {
            next.Start();
        }
        catch (Cuttle.Watch.WatchException ex)
        {
            Log.WatchFailed(_logger, ex.Message);
            _ = next.DisposeAsync();
            return;
        }
        var old = _watcher;
        _watcher = next;
        _watched = wanted;
        if (old is not null) _ = old.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_watcher is { } w) await w.DisposeAsync().ConfigureAwait(false);
        _watcher = null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.TlsServing, Level = LogLevel.Information, Message = "tls: serving {Certificates}")]
        public static partial void Serving(ILogger logger, string certificates);

        [LoggerMessage(EventId = EventIds.TlsRotated, Level = LogLevel.Information, Message = "tls: certificate files changed, new handshakes now use {Certificates}")]
        public static partial void Rotated(ILogger logger, string certificates);

        [LoggerMessage(EventId = EventIds.TlsRotationRejected, Level = LogLevel.Error, Message = "tls: the changed certificate files were rejected, still serving {Certificates}: {Error}")]
        public static partial void RotationRejected(ILogger logger, string error, string certificates);

        [LoggerMessage(EventId = EventIds.TlsWatchFailed, Level = LogLevel.Warning, Message = "tls: cannot watch the certificate files, they will not be reloaded without a restart: {Error}")]
        public static partial void WatchFailed(ILogger logger, string error);
    }
}

/// <summary>
/// One immutable snapshot of the server's TLS: certificate contexts (chain included) with the names SNI matches, the
/// protocol versions and cipher policy, and for mTLS the roots a client certificate must chain to.
/// </summary>
internal sealed class TlsMaterial
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    // What a Go http.Server offers by ALPN when it serves TLS (h2 first).
    private static readonly List<SslApplicationProtocol> Alpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    private readonly SslServerAuthenticationOptions[] _options;

    private TlsMaterial(ImmutableArray<ServedCertificate> certificates, SslProtocols protocols, CipherSuitesPolicy? cipherPolicy, X509Certificate2Collection? clientRoots, bool systemRoots)
    {
        Certificates = certificates;
        Protocols = protocols;
        CipherPolicy = cipherPolicy;
        ClientRoots = clientRoots;
        SystemRoots = systemRoots;
        _options = new SslServerAuthenticationOptions[certificates.Length];
        RemoteCertificateValidationCallback? validate = clientRoots is not null ? ValidateClient : null;
        for (var i = 0; i < _options.Length; i++)
        {
            _options[i] = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificates[i].Context,
                EnabledSslProtocols = protocols,
                CipherSuitesPolicy = cipherPolicy,
                ApplicationProtocols = Alpn,
                ClientCertificateRequired = clientRoots is not null,
                RemoteCertificateValidationCallback = validate,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck, // Go checks no revocation either
            };
        }
    }

    public ImmutableArray<ServedCertificate> Certificates { get; }
    public SslProtocols Protocols { get; }
    /// <summary>Null when the default does the same (TLS 1.3 only); see <see cref="PolicyFor"/>.</summary>
    public CipherSuitesPolicy? CipherPolicy { get; }

    /// <summary>Null without mTLS.</summary>
    public X509Certificate2Collection? ClientRoots { get; }
    public bool SystemRoots { get; }

    /// <exception cref="TlsFileException">A file cannot be used.</exception>
    public static TlsMaterial Load(ServerTlsOptions options, DateTimeOffset now)
    {
        var certificates = ImmutableArray.CreateBuilder<ServedCertificate>(options.Keys.Length);
        foreach (var k in options.Keys)
        {
            var pair = TlsFiles.LoadKeyPair(k.PublicKey, k.PrivateKey, now);
            // offline: the chain is what the certificate file carries, as Go sends it; no fetching of missing issuers.
            var context = SslStreamCertificateContext.Create(pair.Certificate, pair.Chain, offline: true);
            certificates.Add(new ServedCertificate(context, pair.Certificate, NamesOf(pair.Certificate), k.PublicKey));
        }
        X509Certificate2Collection? roots = null;
        if (options.EnableMtls)
        {
            // lura's ParseTLSConfig: the client CA pool is the system pool (unless disabled), ca_certs, and the served
            // certificates' own files.
            roots = [];
            foreach (var ca in options.CaCerts) roots.AddRange(TlsFiles.LoadCaCertificates(ca));
            foreach (var c in certificates) roots.Add(c.Leaf);
        }
        var protocols = ProtocolsFor(options);
        return new TlsMaterial(certificates.MoveToImmutable(), protocols, PolicyFor(options, protocols), roots, !options.DisableSystemCaPool);
    }

    /// <summary>
    /// The handshake options of the certificate for the SNI name, Go's choice: the first certificate whose names cover
    /// it, else the first certificate. The same object for every handshake of this snapshot.
    /// </summary>
    public SslServerAuthenticationOptions OptionsFor(string? serverName) => _options[IndexFor(serverName)];

    private int IndexFor(string? serverName)
    {
        var certificates = Certificates;
        if (certificates.Length > 1 && !string.IsNullOrEmpty(serverName))
        {
            for (var i = 0; i < certificates.Length; i++)
            {
                if (certificates[i].Matches(serverName)) return i;
            }
        }
        return 0;
    }

    /// <summary>Go's RequireAndVerifyClientCert: a client certificate chaining to the client roots, valid for client authentication.</summary>
    public bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || ClientRoots is null) return false;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (Builds(leaf, presented, custom: true)) return true;
        return SystemRoots && Builds(leaf, presented, custom: false);
    }

    private bool Builds(X509Certificate2 leaf, X509Chain? presented, bool custom)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.ApplicationPolicy.Add(ClientAuthentication);
        if (custom)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(ClientRoots!);
        }
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements) policy.ExtraStore.Add(element.Certificate);
        }
        return chain.Build(leaf);
    }

    public string Describe()
    {
        var parts = new string[Certificates.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var leaf = Certificates[i].Leaf;
            parts[i] = $"{Certificates[i].CertificateFile} ({leaf.Subject}, serial {leaf.SerialNumber}, expires {leaf.NotAfter.ToUniversalTime():u})";
        }
        return string.Join(", ", parts);
    }

#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0 and 1.1 are obsolete; KrakenD still lets a configuration ask for them
    private static SslProtocols ProtocolsFor(ServerTlsOptions options)
    {
        var protocols = SslProtocols.None;
        for (var v = options.MinVersion; v <= options.MaxVersion; v++)
        {
            protocols |= v switch
            {
                TlsVersion.Ssl30 or TlsVersion.Tls10 => SslProtocols.Tls, // no SSL 3.0 in .NET (nor in Go since 1.14)
                TlsVersion.Tls11 => SslProtocols.Tls11,
                TlsVersion.Tls12 => SslProtocols.Tls12,
                _ => SslProtocols.Tls13,
            };
        }
        return protocols;
    }
#pragma warning restore SYSLIB0039, CA5397

    /// <summary>The configured TLS 1.2 suites plus, as Go does whatever the list says, all TLS 1.3 suites.</summary>
    /// <remarks>
    /// TLS 1.3 only (the default) needs no policy: the list then governs TLS 1.3 alone, whose suites are all allowed
    /// either way, and OpenSSL's defaults are those three. Without a policy SslStream keeps one OpenSSL context per
    /// certificate and reuses it (with its session cache and tickets) across handshakes; a policy makes it build a new
    /// context, certificate and key loaded again, for every connection, and no session can be resumed.
    /// </remarks>
    private static CipherSuitesPolicy? PolicyFor(ServerTlsOptions options, SslProtocols protocols)
    {
        if (OperatingSystem.IsWindows()) return null; // SChannel takes no policy; see the README
        if (protocols == SslProtocols.Tls13) return null;
        List<TlsCipherSuite> suites = [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256];
        foreach (var s in options.CipherSuites)
        {
            if (!suites.Contains(s)) suites.Add(s);
        }
        return new CipherSuitesPolicy(suites);
    }

    private static ImmutableArray<string> NamesOf(X509Certificate2 leaf)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var extension in leaf.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var dns in san.EnumerateDnsNames()) names.Add(dns);
            }
        }
        if (names.Count == 0 && leaf.GetNameInfo(X509NameType.DnsName, forIssuer: false) is { Length: > 0 } cn) names.Add(cn);
        return names.ToImmutable();
    }
}

/// <summary>A served certificate: its handshake context, the leaf, and the DNS names an SNI name is matched against.</summary>
internal sealed record ServedCertificate(SslStreamCertificateContext Context, X509Certificate2 Leaf, ImmutableArray<string> Names, string CertificateFile)
{
    /// <summary>Exact name, or a wildcard covering exactly one leftmost label (Go's VerifyHostname).</summary>
    public bool Matches(string serverName)
    {
        foreach (var name in Names)
        {
            if (string.Equals(name, serverName, StringComparison.OrdinalIgnoreCase)) return true;
            if (name.StartsWith("*.", StringComparison.Ordinal))
            {
                var dot = serverName.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && string.Equals(name[1..], serverName[dot..], StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }
}
