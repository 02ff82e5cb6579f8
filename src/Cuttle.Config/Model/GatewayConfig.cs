using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// The whole of one krakend.json (version 3) after parsing, defaulting and validation. Immutable: a reload builds a
/// new one. Defaults follow KrakenD CE 2.13.8 (lura config.Init), so the gateway never has to re-derive them.
/// </summary>
public sealed record GatewayConfig
{
    /// <summary>Absolute path of the file this was read from ("" when parsed from memory).</summary>
    public string SourcePath { get; init; } = "";

    private Lazy<string>? _contentHash;

    /// <summary>SHA-256 of the bytes the model was parsed from, hex; lets /__health and reload logs say which file is live.</summary>
    public string ContentHash
    {
        get => _contentHash?.Value ?? "";
        init => _contentHash = new Lazy<string>(value);
    }

    /// <summary>
    /// The hash computed on first read: hashing is the first use of the platform's crypto library, and loading it
    /// cost about 20 ms of start-up before the first request could be served.
    /// </summary>
    internal Lazy<string> LazyContentHash { init => _contentHash = value; }

    /// <summary>
    /// Other files the configuration was built from: with flexible configuration (FC_ENABLE) the settings, templates
    /// and partials the template read. Full paths; a change in any of them means the configuration may have changed.
    /// </summary>
    public ImmutableArray<string> ReferencedFiles { get; init; } = [];

    public int Version { get; init; } = 3;
    public string Name { get; init; } = "";

    /// <summary>Listening port; KrakenD's default is 8080.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Address to bind; empty means every interface, as KrakenD's listen_ip.</summary>
    public string ListenIp { get; init; } = "";

    /// <summary>Default hosts for backends that declare none, already sanitised.</summary>
    public ImmutableArray<string> Host { get; init; } = [];

    /// <summary>Default endpoint timeout (KrakenD DefaultTimeout = 2s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan CacheTtl { get; init; }
    public string OutputEncoding { get; init; } = Encodings.Json;

    public ImmutableArray<EndpointConfig> Endpoints { get; init; } = [];

    public bool DebugEndpoint { get; init; }
    public bool EchoEndpoint { get; init; }

    public TimeSpan ReadTimeout { get; init; }
    public TimeSpan WriteTimeout { get; init; }
    public TimeSpan IdleTimeout { get; init; }
    public TimeSpan ReadHeaderTimeout { get; init; }
    public int MaxHeaderBytes { get; init; }

    // Backend transport (KrakenD http.Transport settings); the binder fills in TransportDefaults for unset ones.
    public bool DisableKeepAlives { get; init; }
    public bool DisableCompression { get; init; }
    public int MaxIdleConnections { get; init; }
    public int MaxIdleConnectionsPerHost { get; init; } = TransportDefaults.MaxIdleConnectionsPerHost;
    public TimeSpan IdleConnectionTimeout { get; init; } = TransportDefaults.IdleConnectionTimeout;
    public TimeSpan ResponseHeaderTimeout { get; init; }
    public TimeSpan DialerTimeout { get; init; } = TransportDefaults.DialerTimeout;

    /// <summary>dialer_keep_alive as written (Go's net.Dialer.KeepAlive): zero means Go's 15 s, negative turns TCP keep-alive off.</summary>
    public TimeSpan DialerKeepAlive { get; init; }

    /// <summary>dialer_fallback_delay as written (Go's net.Dialer.FallbackDelay): zero means Go's 300 ms, negative turns Happy Eyeballs off.</summary>
    public TimeSpan DialerFallbackDelay { get; init; }

    /// <summary>expect_continue_timeout (Go's Transport.ExpectContinueTimeout): zero or negative sends the body at once.</summary>
    public TimeSpan ExpectContinueTimeout { get; init; }

    /// <summary>client_tls (with the legacy root allow_insecure_connections folded in); null when neither is set.</summary>
    public ClientTlsOptions? ClientTls { get; init; }
    public TimeSpan MaxShutdownWaitTime { get; init; }

    /// <summary>How long SRV answers of sd: dns are cached (KrakenD dnssrv DefaultTTL 30s; values under 1s are ignored).</summary>
    public TimeSpan DnsCacheTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>When true, placeholders need not be whole path segments (KrakenD disable_rest).</summary>
    public bool DisableRest { get; init; }

    /// <summary>Typed view of extra_config.router.</summary>
    public RouterOptions Router { get; init; } = RouterOptions.Default;

    /// <summary>Typed view of extra_config."security/cors"; null when the namespace is absent.</summary>
    public CorsOptions? Cors { get; init; }

    /// <summary>Typed view of the service-level extra_config."security/bot-detector"; null when absent.</summary>
    public BotDetectorOptions? BotDetector { get; init; }

    /// <summary>Typed view of the service-level extra_config."modifier/lua-endpoint" (run around every request); null when absent.</summary>
    public LuaOptions? LuaEndpoint { get; init; }

    /// <summary>Typed view of extra_config."security/http"; null when absent.</summary>
    public HttpSecureOptions? HttpSecure { get; init; }

    /// <summary>Typed view of extra_config."auth/revoker"; null when absent.</summary>
    public RevokerOptions? Revoker { get; init; }

    /// <summary>Typed view of extra_config."telemetry/metrics"; null when absent.</summary>
    public MetricsOptions? Metrics { get; init; }

    /// <summary>extra_config."telemetry/influx": the metrics pushed to InfluxDB; null when absent.</summary>
    public InfluxOptions? Influx { get; init; }

    /// <summary>Typed view of Cuttle's extra_config."cuttle/console" (the live console); null when absent.</summary>
    public ConsoleOptions? Console { get; init; }

    /// <summary>Typed view of the Enterprise extra_config."redis" (named Redis connections); null when absent.</summary>
    public RedisOptions? Redis { get; init; }

    /// <summary>
    /// extra_config."telemetry/opentelemetry" (or, when absent, "telemetry/opencensus" mapped onto it: its prometheus
    /// exporter and enabled_layers); null when neither is configured.
    /// </summary>
    public OpenTelemetryOptions? OpenTelemetry { get; init; }

    /// <summary>extra_config."telemetry/logging", "telemetry/logstash" and "telemetry/gelf"; each null when absent.</summary>
    public Telemetry.LoggingOptions? TelemetryLogging { get; init; }
    public Telemetry.LogstashOptions? TelemetryLogstash { get; init; }
    public Telemetry.GelfOptions? TelemetryGelf { get; init; }

    /// <summary>The service's tls block (HTTPS, HTTP/2 by ALPN, mTLS); null when absent or disabled: clear text.</summary>
    public ServerTlsOptions? Tls { get; init; }

    /// <summary>use_h2c at service level or in extra_config.router: HTTP/2 with prior knowledge on a clear-text port.</summary>
    public bool UseH2c { get; init; }

    /// <summary>Every service-level extra_config namespace, keys normalised to the short name.</summary>
    public ExtraConfig ExtraConfig { get; init; } = ExtraConfig.Empty;

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
