using System.Collections.Immutable;
using System.Text.Json;
using Cuttle.Config.Model;
using static Cuttle.Audit.AuditFacts;

namespace Cuttle.Audit;

/// <summary>One security recommendation: krakend-audit's rule id, severity and message.</summary>
internal sealed record Recommendation(string Rule, string Severity, string Message);

/// <summary>
/// krakend-audit's rule set (rules.go and audit.go, v0.9.3): the same ids, severities, messages, order and
/// conditions, evaluated on <see cref="AuditFacts"/>. Rule 4.1.2 is kept with krakend-audit's own evaluation, which
/// never fires (its check is not implemented there either).
/// </summary>
internal static class AuditRules
{
    public const string Critical = "CRITICAL";
    public const string High = "HIGH";
    public const string Medium = "MEDIUM";
    public const string Low = "LOW";

    private const string ServerPlugin = "plugin/http-server";
    private const string ClientPlugin = "plugin/http-client";
    private const string ReqRespPlugin = "plugin/req-resp-modifier";
    private const string OpenTelemetry = "telemetry/opentelemetry";

    private static readonly string[] MetricsComponents = ["telemetry/opencensus", "telemetry/metrics", "telemetry/newrelic", "telemetry/ganalytics", "telemetry/instana"];

    private sealed record Rule(Recommendation Recommendation, Func<AuditFacts, bool> Evaluate);

    private static Rule R(string id, string severity, string message, Func<AuditFacts, bool> evaluate) => new(new Recommendation(id, severity, message), evaluate);

    private static readonly ImmutableArray<Rule> RuleSet =
    [
        // Section 1: security
        R("1.1.1", High, "Implement more secure alternatives than Basic Auth to protect your data.", s => ServerPlugins(s.Components).Contains("basic-auth")),
        R("1.1.2", Medium, "Implement stateless authorization methods such as JWT to secure your endpoints as opposed to using API keys.", s => s.Components.Contains("auth/api-keys")),
        R("1.2.1", High, "Prioritize using JWT for endpoint authorization to ensure security.", s => !s.Endpoints.Any(e => e.Components.Contains("auth/validator"))),

        // Section 2: service level
        R("2.1.1", High, "Only allow secure connections (avoid insecure_connections).", s => s.AllowInsecureConnections),
        R("2.1.2", High, "Enable TLS or use a terminator in front of KrakenD.", s => !s.HasTls),
        R("2.1.3", Critical, "TLS is configured but its disable flag prevents from using it.", s => s.HasTls && !s.TlsEnabled),
        R("2.1.7", High, "Enable HTTP security header checks (security/http).", s => !s.Components.Contains("security/http")),
        R("2.1.8", High, "Avoid clear text communication (h2c).", s => s.UseH2C || IsTrue(Member(Map(s.Components, "router"), "use_h2c"))),
        R("2.1.9", Low, "Establish secure connections in internal traffic (avoid insecure_connections internally)", HasBackendInsecureConnections),
        R("2.2.1", Medium, "Hide the version banner in runtime.", s => !IsTrue(Member(Map(s.Components, "router"), "hide_version_header"))),
        R("2.2.2", High, "Enable CORS.", s => !s.Components.Contains("security/cors")),
        R("2.2.3", High, "Avoid passing all input headers to the backend.", s => s.Endpoints.Any(e => e.HeadersWildcard)),
        R("2.2.4", High, "Avoid passing all input query strings to the backend.", s => s.Endpoints.Any(e => e.QueryStringWildcard)),
        R("2.2.5", Low, "Avoid exposing gRPC server without services declared.", HasEmptyGrpcServer),
        R("2.3.1", Medium, "Limit the amount of cacheable content.", HasUnlimitedCache),

        // Section 3: traffic management
        R("3.1.1", Low, "Enable a bot detector.", s => Map(s.Components, "security/bot-detector").ValueKind != JsonValueKind.Object),
        R("3.1.2", High, "Implement a rate-limiting strategy and avoid having an All-You-Can-Eat API.", HasNoRateLimit),
        R("3.1.3", High, "Protect your backends with a circuit breaker.", s => !s.Endpoints.Any(e => e.Components.Contains("qos/circuit-breaker") || e.Backends.Any(b => b.Contains("qos/circuit-breaker")))),
        R("3.3.1", Low, "Set timeouts to below 3 seconds for improved performance.", s => s.Endpoints.Any(e => e.TimeoutMilliseconds > 3000)),
        R("3.3.2", Medium, "Set timeouts to below 5 seconds for improved performance.", s => s.Endpoints.Any(e => e.TimeoutMilliseconds > 5000)),
        R("3.3.3", High, "Set timeouts to below 30 seconds for improved performance.", s => s.Endpoints.Any(e => e.TimeoutMilliseconds > 30000)),
        R("3.3.4", Critical, "Set timeouts to below 1 minute for improved performance.", s => s.Endpoints.Any(e => e.TimeoutMilliseconds > 60000)),

        // Section 4: telemetry
        R("4.1.1", Medium, "Implement a telemetry system for collecting metrics for monitoring and troubleshooting.", s => !MetricsComponents.Any(ns => Present(s.Components, ns))),
        R("4.1.2", Medium, "Give your configuration a name for easy identification in metric tracking.", _ => false),
        R("4.1.3", High, "Avoid duplicating telemetry options to prevent system overload.", HasSeveralTelemetryComponents),
        R("4.2.1", Medium, "Implement a telemetry system for tracing for monitoring and troubleshooting.", HasNoTracing),
        R("4.3.1", Medium, "Use the improved logging component for better log parsing.", s => !s.Components.Contains("telemetry/logging") && !s.Components.Contains("telemetry/gelf") && !s.Components.Contains("telemetry/logstash")),

        // Section 5: endpoints
        R("5.1.1", Low, "Follow a RESTful endpoint structure for improved readability and maintainability.", s => s.DisableStrictRest),
        R("5.1.2", Low, "Disable the /__debug/ endpoint for added security.", s => s.Debug),
        R("5.1.3", Low, "Disable the /__echo/ endpoint for added security.", s => s.Echo),
        R("5.1.4", Low, "Declare explicit endpoints instead of using wildcards.", s => s.Endpoints.Any(e => e.Wildcard)),
        R("5.1.5", Medium, "Declare explicit endpoints instead of using /__catchall.", s => s.Endpoints.Any(e => e.CatchAll)),
        R("5.1.6", Medium, "Avoid using multiple write methods in endpoint definitions.", s => s.Endpoints.Any(e => e.UnsafeMethods > 1)),
        R("5.1.7", Medium, "Avoid using sequential proxy.", s => s.Endpoints.Any(e => IsTrue(Member(Map(e.Components, "proxy"), "sequential")))),
        R("5.2.1", Critical, "Ensure all endpoints have at least one backend for proper functionality.", s => s.Endpoints.Any(e => e.Backends.IsEmpty)),
        R("5.2.2", Low, "Benefit from the backend for frontend pattern capabilities.", s => s.Endpoints.All(e => e.Backends.Length <= 1)),
        R("5.2.3", Low, "Avoid coupling clients by overusing no-op encoding.", s => s.Endpoints.All(e => e.NoOp)),

        // Section 6: async agents
        R("6.1.1", Low, "Ensure Async Agents do not start sequentially to avoid overloading the system (+10 agents).", s => s.SequentialStart && s.AsyncAgents >= 10),

        // Section 7: deprecations
        R("7.1.1", High, "Avoid using deprecated plugin virtualhost. Please visit https://www.krakend.io/docs/enterprise/service-settings/virtual-hosts/#upgrading-from-the-old-plugin-before-v24 to upgrade to the new virtualhost.", s => ServerPlugins(s.Components).Contains("virtualhost")),
        R("7.1.2", High, "Avoid using deprecated plugin static-filesystem. Please visit https://www.krakend.io/docs/enterprise/endpoints/serve-static-content/#upgrading-from-the-old-plugin-before-v24 to upgrade to the new static-filesystem.", s => ServerPlugins(s.Components).Contains("static-filesystem")),
        R("7.1.3", High, "Avoid using deprecated plugin basic-auth. Please move your configuration to the namespace auth/basic to use the new component. See: https://www.krakend.io/docs/enterprise/authentication/basic-authentication/ .", s => ServerPlugins(s.Components).Contains("basic-auth")),
        R("7.1.4", High, "Avoid using deprecated plugin wildcard. Please visit https://www.krakend.io/docs/enterprise/endpoints/wildcard/#upgrading-from-the-old-wildcard-plugin-before-v23 to upgrade to the new Wildcard.", s => ServerPlugins(s.Components).Contains("wildcard")),
        R("7.1.5", High, "Avoid using deprecated plugin http-proxy. Please visit https://www.krakend.io/docs/enterprise/backends/http-proxy/#migration-from-old-plugin to upgrade to the new options.", s => HasClientPlugin(s, "http-proxy")),
        R("7.1.6", High, "Avoid using deprecated plugin static-filesystem. Please visit https://www.krakend.io/docs/enterprise/endpoints/serve-static-content/#upgrading-from-the-old-plugin-before-v24 to upgrade to the new static-filesystem.", s => HasClientPlugin(s, "static-filesystem")),
        R("7.1.7", High, "Avoid using deprecated plugin no-redirect. Please visit https://www.krakend.io/docs/enterprise/backends/client-redirect/#migration-from-old-plugin to upgrade to the new options.", s => HasClientPlugin(s, "no-redirect")),
        R("7.1.8", High, "Avoid using deprecated plugin content-replacer. Please visit https://www.krakend.io/docs/enterprise/endpoints/content-replacer/#migration-from-old-plugin to upgrade to the new options.", s => HasReqRespPlugin(s, "content-replacer")),
        R("7.1.9", High, "Avoid using deprecated plugin response-schema-validator. Please visit https://www.krakend.io/docs/enterprise/endpoints/response-schema-validator/#migration-from-old-plugin to upgrade to the new options.", s => HasReqRespPlugin(s, "response-schema-validator")),
        R("7.2.1", High, "Avoid using deprecated component telemetry/ganalytics. Please visit https://www.krakend.io/docs/telemetry/opentelemetry/ to upgrade to OpenTelemetry", s => s.Components.Contains("telemetry/ganalytics")),
        R("7.2.2", High, "Avoid using deprecated component telemetry/instana. Please visit https://www.krakend.io/docs/telemetry/opentelemetry/ to upgrade to OpenTelemetry", s => s.Components.Contains("telemetry/instana")),
        R("7.2.3", High, "Avoid using deprecated component telemetry/opencensus. Please visit https://www.krakend.io/docs/telemetry/opencensus/#transition-from-opencensus to upgrade to OpenTelemetry", s => Present(s.Components, "telemetry/opencensus")),
        R("7.2.4", High, "Avoid using deprecated component telemetry/influx. Please visit https://www.krakend.io/docs/telemetry/influxdb/ to upgrade to OpenTelemetry", s => s.Components.Contains("telemetry/influx")),
        R("7.3.1", Medium, "Avoid using 'private_key' and 'public_key' and use the 'keys' array.", s => s.TlsPrivPubKey),
    ];

    /// <summary>Every rule id, in krakend-audit's order.</summary>
    public static IEnumerable<string> Ids => RuleSet.Select(r => r.Recommendation.Rule);

    /// <summary>krakend-audit's Audit: skip ignored rules and severities not asked for, keep the ones that apply.</summary>
    public static IReadOnlyList<Recommendation> Evaluate(AuditFacts facts, IEnumerable<string> ignore, IEnumerable<string> severities)
    {
        var ignored = ignore.ToHashSet(StringComparer.Ordinal);
        var wanted = severities.ToHashSet(StringComparer.Ordinal);
        var result = new List<Recommendation>();
        foreach (var rule in RuleSet)
        {
            if (ignored.Contains(rule.Recommendation.Rule) || !wanted.Contains(rule.Recommendation.Severity))
                continue;
            if (rule.Evaluate(facts))
                result.Add(rule.Recommendation);
        }
        return result;
    }

    private static JsonElement Map(ExtraConfig c, string ns)
        => c.TryGet(ns, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    /// <summary>
    /// Whether krakend-audit records the namespace: most namespaces count whatever their value, a few only as an
    /// object (opencensus only with an exporters object), as its parseComponents does.
    /// </summary>
    private static bool Present(ExtraConfig c, string ns) => ns switch
    {
        "telemetry/opencensus" => Member(Map(c, ns), "exporters").ValueKind == JsonValueKind.Object,
        "qos/ratelimit/router" or "security/bot-detector" => Map(c, ns).ValueKind == JsonValueKind.Object,
        _ => c.Contains(ns),
    };

    /// <summary>The names of plugin/http-server (a string or a list of strings).</summary>
    private static HashSet<string> ServerPlugins(ExtraConfig c)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var name = Member(Map(c, ServerPlugin), "name");
        if (name.ValueKind == JsonValueKind.String)
        {
            names.Add(name.GetString()!);
        }
        else if (name.ValueKind == JsonValueKind.Array)
        {
            foreach (var n in name.EnumerateArray())
            {
                if (n.ValueKind == JsonValueKind.String)
                    names.Add(n.GetString()!);
            }
        }
        return names;
    }

    /// <summary>krakend-audit looks for the client plugin at endpoint level only.</summary>
    private static bool HasClientPlugin(AuditFacts s, string plugin)
        => s.Endpoints.Any(e => Member(Map(e.Components, ClientPlugin), "name") is { ValueKind: JsonValueKind.String } n && n.GetString() == plugin);

    private static bool HasReqRespPlugin(AuditFacts s, string plugin)
    {
        static bool Has(ExtraConfig c, string plugin)
            => Member(Map(c, ReqRespPlugin), "name") is { ValueKind: JsonValueKind.Array } names
               && names.EnumerateArray().Any(n => n.ValueKind == JsonValueKind.String && n.GetString() == plugin);
        return s.Endpoints.Any(e => Has(e.Components, plugin) || e.Backends.Any(b => Has(b, plugin)));
    }

    private static bool HasBackendInsecureConnections(AuditFacts s)
        => s.Endpoints.Any(e => e.Backends.Any(b => IsTrue(Member(Member(Map(b, "backend/http/client"), "client_tls"), "allow_insecure_connections"))));

    private static bool HasEmptyGrpcServer(AuditFacts s)
        => Member(Map(s.Components, "grpc"), "server") is { ValueKind: JsonValueKind.Object } server
           && (Member(server, "services") is not { ValueKind: JsonValueKind.Array } services || services.GetArrayLength() == 0);

    private static bool HasUnlimitedCache(AuditFacts s)
        => s.Endpoints.Any(e => e.Backends.Any(b => Map(b, "qos/http-cache") is { ValueKind: JsonValueKind.Object } cache
            && (!PositiveNumber(Member(cache, "max_items")) || !PositiveNumber(Member(cache, "max_size")))));

    private static bool HasNoRateLimit(AuditFacts s)
    {
        if (Present(s.Components, "qos/ratelimit/router") || s.Components.Contains("qos/ratelimit/service") || ServerPlugins(s.Components).Contains("redis-ratelimit"))
            return false;
        return !s.Endpoints.Any(e => Present(e.Components, "qos/ratelimit/router") || e.Components.Contains("qos/ratelimit/proxy")
            || e.Backends.Any(b => b.Contains("qos/ratelimit/proxy")));
    }

    /// <summary>OTLP exporters with metrics or traces, Prometheus exporters with metrics (disable_* not true).</summary>
    private static (int OtlpMetrics, int OtlpTraces, int Prometheus) OpenTelemetryExporters(ExtraConfig c)
    {
        var exporters = Member(Map(c, OpenTelemetry), "exporters");
        int Count(string kind, string flag)
        {
            var n = 0;
            if (Member(exporters, kind) is { ValueKind: JsonValueKind.Array } list)
            {
                foreach (var x in list.EnumerateArray())
                {
                    if (x.ValueKind == JsonValueKind.Object && !IsTrue(Member(x, flag)))
                        n++;
                }
            }
            return n;
        }
        return (Count("otlp", "disable_metrics"), Count("otlp", "disable_traces"), Count("prometheus", "disable_metrics"));
    }

    private static bool HasSeveralTelemetryComponents(AuditFacts s)
    {
        var total = MetricsComponents.Count(ns => Present(s.Components, ns));
        if (Map(s.Components, OpenTelemetry).ValueKind == JsonValueKind.Object)
        {
            var (metrics, _, prometheus) = OpenTelemetryExporters(s.Components);
            total += metrics + prometheus;
        }
        return total > 1;
    }

    private static bool HasNoTracing(AuditFacts s)
    {
        var otel = Map(s.Components, OpenTelemetry).ValueKind == JsonValueKind.Object && OpenTelemetryExporters(s.Components).OtlpTraces >= 1;
        return !Present(s.Components, "telemetry/opencensus") && !s.Components.Contains("telemetry/newrelic") && !s.Components.Contains("telemetry/instana") && !otel;
    }
}
