using Cuttle.Hosting;

namespace Cuttle.Tests.Hosting;

public sealed class ConfigSourceTests
{
    /// <summary>The list the host kept by hand before the builders declared their namespaces.</summary>
    private static readonly string[] HandKept =
    [
        "router", "proxy", "backend/http", "backend/http/client", "security/cors", "security/bot-detector", "security/http", "validation/json-schema",
        "validation/cel", "auth/validator", "auth/signer", "auth/revoker", "auth/client-credentials", "modifier/lua-endpoint", "modifier/lua-proxy", "modifier/lua-backend",
        "qos/circuit-breaker", "qos/ratelimit/router", "qos/ratelimit/proxy", "qos/http-cache", "redis", "qos/ratelimit/router/redis",
        "telemetry/metrics", "telemetry/influx",
        "telemetry/opentelemetry", "telemetry/opencensus", "modifier/martian", "backend/graphql",
        "telemetry/logging", "telemetry/logstash", "telemetry/gelf",
        "cuttle/console",
    ];

    [Fact]
    public void ImplementedNamespaces_AreTheOnesTheGatewayActsOn()
    {
        Assert.Equal(HandKept.Order(StringComparer.Ordinal), ConfigSource.ImplementedNamespaces.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ImplementedNamespaces_CompareOrdinally()
    {
        Assert.Contains("validation/cel", ConfigSource.ImplementedNamespaces);
        Assert.DoesNotContain("Validation/CEL", ConfigSource.ImplementedNamespaces);
    }
}
