using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>One entry of <c>endpoints</c>, with service defaults already applied.</summary>
public sealed record EndpointConfig
{
    /// <summary>Cleaned path template with a leading '/', placeholders kept as <c>{name}</c>.</summary>
    public required string Endpoint { get; init; }

    /// <summary>Upper-case method; KrakenD's router accepts GET POST PUT PATCH DELETE.</summary>
    public string Method { get; init; } = "GET";

    public ImmutableArray<BackendConfig> Backend { get; init; } = [];

    /// <summary>Identical parallel requests per backend, the first complete answer wins (default 1).</summary>
    public int ConcurrentCalls { get; init; } = 1;

    /// <summary>Whole-pipe timeout; KrakenD copies it to every backend (backend-level timeout is ignored).</summary>
    public TimeSpan Timeout { get; init; }
    public TimeSpan CacheTtl { get; init; }
    public string OutputEncoding { get; init; } = Encodings.Json;

    /// <summary>Headers forwarded to backends; empty means only Content-Type. Canonicalised; "*" means all.</summary>
    public ImmutableArray<string> InputHeaders { get; init; } = [];

    /// <summary>Query-string names forwarded (exact, case-sensitive); empty means none; "*" means all.</summary>
    public ImmutableArray<string> InputQueryStrings { get; init; } = [];

    /// <summary>Names of the <c>{param}</c> placeholders of <see cref="Endpoint"/>, in order.</summary>
    public ImmutableArray<string> Params { get; init; } = [];

    /// <summary>Typed view of extra_config.proxy at endpoint level.</summary>
    public EndpointProxyOptions Proxy { get; init; } = EndpointProxyOptions.Default;

    /// <summary>extra_config."modifier/lua-endpoint" and "modifier/lua-proxy"; null when absent.</summary>
    public LuaOptions? LuaEndpoint { get; init; }
    public LuaOptions? LuaProxy { get; init; }

    /// <summary>Typed view of the endpoint-level extra_config."security/bot-detector"; null when absent.</summary>
    public BotDetectorOptions? BotDetector { get; init; }

    /// <summary>extra_config."validation/json-schema": the value is the JSON schema request bodies must satisfy.</summary>
    public System.Text.Json.JsonElement? JsonSchema { get; init; }

    /// <summary>Typed view of extra_config."auth/validator"; null when absent.</summary>
    public JwtValidatorOptions? JwtValidator { get; init; }

    /// <summary>Typed view of extra_config."auth/signer"; null when absent.</summary>
    public JwtSignerOptions? JwtSigner { get; init; }

    /// <summary>extra_config."validation/cel" check expressions, in order; empty when absent.</summary>
    public ImmutableArray<CelCheck> Cel { get; init; } = [];

    /// <summary>Typed view of the Enterprise extra_config."qos/ratelimit/router/redis"; null when absent.</summary>
    public RedisRateLimitOptions? RedisRateLimit { get; init; }

    /// <summary>extra_config."telemetry/opentelemetry" on the endpoint: the proxy layer override (null when absent).</summary>
    public TelemetryLayerOverride? Telemetry { get; init; }

    public ExtraConfig ExtraConfig { get; init; } = ExtraConfig.Empty;

    /// <summary>extra_config."qos/ratelimit/router"; null when absent or when it limits nothing (both rates 0).</summary>
    public RateLimitRouterOptions? RateLimit { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
