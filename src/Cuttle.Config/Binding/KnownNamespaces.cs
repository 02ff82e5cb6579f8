using System.Collections.Frozen;

namespace Cuttle.Config.Binding;

/// <summary>
/// extra_config namespaces of KrakenD CE 2.13.8 (ce main.go aliases): documented short names, and the legacy long
/// names the modules read. Both spellings are accepted; the model keeps the short one.
/// </summary>
internal static class KnownNamespaces
{
    private static readonly (string Short, string Long)[] Aliases =
    [
        ("router", "github_com/luraproject/lura/router/gin"),
        ("proxy", "github.com/devopsfaith/krakend/proxy"),
        ("backend/http", "github.com/devopsfaith/krakend/http"),
        ("backend/graphql", "github.com/devopsfaith/krakend/transport/http/client/graphql"),
        ("plugin/http-server", "github_com/devopsfaith/krakend/transport/http/server/handler"),
        ("plugin/http-client", "github.com/devopsfaith/krakend/transport/http/client/executor"),
        ("plugin/req-resp-modifier", "github.com/devopsfaith/krakend/proxy/plugin"),
        ("qos/http-cache", "github.com/devopsfaith/krakend-httpcache"),
        ("qos/circuit-breaker", "github.com/devopsfaith/krakend-circuitbreaker/gobreaker"),
        ("auth/validator", "github.com/devopsfaith/krakend-jose/validator"),
        ("auth/signer", "github.com/devopsfaith/krakend-jose/signer"),
        ("auth/revoker", "github_com/devopsfaith/bloomfilter"),
        ("auth/client-credentials", "github.com/devopsfaith/krakend-oauth2-clientcredentials"),
        ("security/bot-detector", "github_com/devopsfaith/krakend-botdetector"),
        ("security/http", "github_com/devopsfaith/krakend-httpsecure"),
        ("security/cors", "github_com/devopsfaith/krakend-cors"),
        ("validation/cel", "github.com/devopsfaith/krakend-cel"),
        ("validation/json-schema", "github.com/devopsfaith/krakend-jsonschema"),
        ("modifier/lua-endpoint", "github.com/devopsfaith/krakend-lua/router"),
        ("modifier/lua-proxy", "github.com/devopsfaith/krakend-lua/proxy"),
        ("modifier/lua-backend", "github.com/devopsfaith/krakend-lua/proxy/backend"),
        ("modifier/martian", "github.com/devopsfaith/krakend-martian"),
        ("telemetry/logging", "github_com/devopsfaith/krakend-gologging"),
        ("telemetry/gelf", "github_com/devopsfaith/krakend-gelf"),
        ("telemetry/logstash", "github_com/devopsfaith/krakend-logstash"),
        ("telemetry/metrics", "github_com/devopsfaith/krakend-metrics"),
        ("telemetry/influx", "github_com/letgoapp/krakend-influx"),
        ("telemetry/opencensus", "github_com/devopsfaith/krakend-opencensus"),
        ("async/amqp", "github.com/devopsfaith/krakend-amqp/agent"),
        ("backend/amqp/consumer", "github.com/devopsfaith/krakend-amqp/consume"),
        ("backend/amqp/producer", "github.com/devopsfaith/krakend-amqp/produce"),
        ("backend/lambda", "github.com/devopsfaith/krakend-lambda"),
        ("backend/pubsub/publisher", "github.com/devopsfaith/krakend-pubsub/publisher"),
        ("backend/pubsub/subscriber", "github.com/devopsfaith/krakend-pubsub/subscriber"),
    ];

    /// <summary>Namespaces CE modules read under their short name only (no alias).</summary>
    private static readonly string[] NativeShort =
        ["qos/ratelimit/router", "qos/ratelimit/proxy", "telemetry/opentelemetry", "backend/http/client"];

    /// <summary>KrakenD Enterprise namespaces Cuttle reads (the shared Redis rate limit), so they are not linted as unknown.</summary>
    private static readonly string[] Enterprise = ["redis", "qos/ratelimit/router/redis"];

    private static readonly FrozenDictionary<string, string> LongToShort =
        Aliases.ToFrozenDictionary(a => a.Long, a => a.Short, StringComparer.Ordinal);

    private static readonly FrozenSet<string> ShortNames =
        Aliases.Select(a => a.Short).Concat(NativeShort).Concat(Enterprise).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The documented short name for a namespace key (unknown keys are returned unchanged).</summary>
    public static string Normalize(string key) => LongToShort.TryGetValue(key, out var s) ? s : key;

    /// <summary>True when KrakenD CE knows this (short) namespace.</summary>
    public static bool IsKnown(string shortName) => ShortNames.Contains(shortName);
}
