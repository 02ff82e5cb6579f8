namespace Cuttle.Gateway.Tests;

public sealed class GenerationBuilderTests
{
    [Fact]
    public void ImplementedNamespaces_EqualTheListTheHostKeptByHand()
    {
        string[] handKept =
        [
            "router", "proxy", "backend/http", "backend/http/client", "security/cors", "security/bot-detector", "security/http", "validation/json-schema",
            "validation/cel", "auth/validator", "auth/signer", "auth/revoker", "auth/client-credentials", "modifier/lua-endpoint", "modifier/lua-proxy", "modifier/lua-backend",
            "qos/circuit-breaker", "qos/ratelimit/router", "qos/ratelimit/proxy", "qos/http-cache", "redis", "qos/ratelimit/router/redis",
            "telemetry/metrics", "telemetry/influx",
            "telemetry/opentelemetry", "telemetry/opencensus", "modifier/martian", "backend/graphql",
        ];

        Assert.Equal(handKept, GenerationBuilder.ImplementedNamespaces);
    }

    [Fact]
    public void ImplementedNamespaces_NameEachNamespaceOnce()
    {
        Assert.Equal(GenerationBuilder.ImplementedNamespaces.Length, GenerationBuilder.ImplementedNamespaces.Distinct(StringComparer.Ordinal).Count());
    }
}
