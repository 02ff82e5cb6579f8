using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>One entry of an endpoint's <c>backend</c> list, with endpoint and service defaults applied.</summary>
public sealed record BackendConfig
{
    /// <summary>Sanitised hosts (<c>scheme://host[:port]</c>, no trailing slash) unless disable_host_sanitize.</summary>
    public ImmutableArray<string> Host { get; init; } = [];

    /// <summary>Cleaned path, may carry a query and <c>{param}</c> placeholders.</summary>
    public required string UrlPattern { get; init; }

    /// <summary>Upper-case method; defaults to the endpoint's.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>json, safejson, string, no-op, xml, rss. Forced to no-op when the endpoint's output is no-op.</summary>
    public string Encoding { get; init; } = Encodings.Json;

    public string? Group { get; init; }
    public string? Target { get; init; }
    public ImmutableArray<string> Allow { get; init; } = [];
    public ImmutableArray<string> Deny { get; init; } = [];

    /// <summary>Top-level key renames, in file order.</summary>
    public ImmutableArray<KeyValuePair<string, string>> Mapping { get; init; } = [];

    public bool IsCollection { get; init; }
    public string Sd { get; init; } = "static";

    /// <summary>Scheme for hosts found by service discovery (sd: dns), KrakenD's sd_scheme; default http.</summary>
    public string SdScheme { get; init; } = "http";

    /// <summary>The service's dns_cache_ttl, copied here so the backend's discovery needs nothing else.</summary>
    public TimeSpan DnsCacheTtl { get; init; } = TimeSpan.FromSeconds(30);
    public bool DisableHostSanitize { get; init; }

    /// <summary>Second-level header filter; empty means no extra filtering.</summary>
    public ImmutableArray<string> InputHeaders { get; init; } = [];

    /// <summary>Second-level query filter; empty means no extra filtering.</summary>
    public ImmutableArray<string> InputQueryStrings { get; init; } = [];

    /// <summary>Typed view of extra_config.proxy at backend level (flatmap, shadow).</summary>
    public BackendProxyOptions Proxy { get; init; } = BackendProxyOptions.Default;

    /// <summary>extra_config."modifier/lua-backend"; null when absent.</summary>
    public LuaOptions? LuaBackend { get; init; }

    /// <summary>Typed view of extra_config."backend/http".</summary>
    public BackendHttpOptions Http { get; init; } = BackendHttpOptions.Default;

    /// <summary>extra_config."validation/cel" check expressions, in order; empty when absent.</summary>
    public ImmutableArray<CelCheck> Cel { get; init; } = [];

    /// <summary>extra_config."qos/circuit-breaker"; null when absent or all zero (KrakenD then adds no breaker).</summary>
    public CircuitBreakerOptions? CircuitBreaker { get; init; }

    /// <summary>extra_config."qos/ratelimit/proxy"; null when absent or max_rate is 0 (KrakenD then adds no limiter).</summary>
    public RateLimitProxyOptions? RateLimit { get; init; }

    /// <summary>extra_config."qos/http-cache"; null when absent.</summary>
    public HttpCacheOptions? HttpCache { get; init; }

    /// <summary>Typed view of extra_config."auth/client-credentials"; null when absent or disabled.</summary>
    public ClientCredentialsOptions? ClientCredentials { get; init; }

    /// <summary>extra_config."telemetry/opentelemetry" on the backend: the backend layer override (null when absent).</summary>
    public TelemetryLayerOverride? Telemetry { get; init; }

    /// <summary>extra_config."modifier/martian"; null when absent.</summary>
    public MartianOptions? Martian { get; init; }

    /// <summary>extra_config."backend/graphql"; null when absent.</summary>
    public GraphQLOptions? GraphQL { get; init; }

    public ExtraConfig ExtraConfig { get; init; } = ExtraConfig.Empty;

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
