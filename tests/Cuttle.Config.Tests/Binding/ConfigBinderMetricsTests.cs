using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderMetricsTests
{
    // The namespace's text is on line 3 of the file, from column 1.
    private static ConfigLoadResult Service(string metrics) => Parse($$$"""
        {"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}]}],
         "extra_config": {
        {{{metrics}}}
        }}
        """);

    private static MetricsOptions? Bound(string metrics)
    {
        var result = Service(metrics);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.Metrics;
    }

    [Fact]
    public void Metrics_DocumentedExample_IsTyped()
    {
        var m = Bound("""
            "telemetry/metrics": {"collection_time": "30s", "listen_address": "127.0.0.1:8091", "proxy_disabled": true, "router_disabled": true, "backend_disabled": true, "endpoint_disabled": true}
            """)!;

        Assert.Equal(TimeSpan.FromSeconds(30), m.CollectionTime);
        Assert.Equal("127.0.0.1:8091", m.ListenAddress);
        Assert.Equal(("127.0.0.1", 8091), (m.ListenHost, m.ListenPort));
        Assert.True(m.ProxyDisabled && m.RouterDisabled && m.BackendDisabled && m.EndpointDisabled);
        Assert.Equal(3, m.Location.Line);
    }

    [Fact]
    public void Metrics_EmptyBlock_TakesKrakendsDefaults_AndTheLegacyNameIsTheSameNamespace()
    {
        var m = Bound("""
            "github_com/devopsfaith/krakend-metrics": {}
            """)!;

        Assert.Equal(TimeSpan.FromMinutes(1), m.CollectionTime);
        Assert.Equal((":8090", "", 8090), (m.ListenAddress, m.ListenHost, m.ListenPort));
        Assert.False(m.ProxyDisabled || m.RouterDisabled || m.BackendDisabled || m.EndpointDisabled);
    }

    [Fact]
    public void Metrics_Absent_IsNull() => Assert.Null(Bound("""
        "router": {}
        """));

    [Theory]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData(":0", "", 0)]
    [InlineData("localhost:", "localhost", 0)]
    public void Metrics_ListenAddress_IsGosHostPort(string address, string host, int port)
    {
        var m = Bound($$"""
            "telemetry/metrics": {"listen_address": "{{address}}"}
            """)!;

        Assert.Equal((host, port), (m.ListenHost, m.ListenPort));
    }

    [Theory]
    [InlineData("\"collection_time\": 60", 42, "collection_time", "\"telemetry/metrics.collection_time\" must be a duration string such as \"1m\", got the number 60")]
    [InlineData("\"collection_time\": \"1 minute\"", 42, "collection_time", "invalid duration \"1 minute\" for \"telemetry/metrics.collection_time\"")]
    [InlineData("\"collection_time\": \"0s\"", 42, "collection_time", "\"telemetry/metrics.collection_time\" must be positive, got \"0s\"")]
    [InlineData("\"listen_address\": 8090", 41, "listen_address", "\"telemetry/metrics.listen_address\" must be a string such as \":8090\", got the number 8090")]
    [InlineData("\"listen_address\": \"8090\"", 41, "listen_address", "invalid \"telemetry/metrics.listen_address\" \"8090\": missing port in address")]
    [InlineData("\"listen_address\": \":http\"", 41, "listen_address", "invalid \"telemetry/metrics.listen_address\" \":http\": the port \"http\" is not a number")]
    [InlineData("\"listen_address\": \":70000\"", 41, "listen_address", "invalid \"telemetry/metrics.listen_address\" \":70000\": the port 70000 is out of range")]
    [InlineData("\"listen_address\": \"::1:8090\"", 41, "listen_address", "invalid \"telemetry/metrics.listen_address\" \"::1:8090\": too many colons")]
    [InlineData("\"router_disabled\": \"true\"", 42, "router_disabled", "\"telemetry/metrics.router_disabled\" must be a boolean, got the string \"true\"")]
    public void Metrics_BadValue_IsAnErrorAtItsPosition(string member, int column, string key, string message)
    {
        var d = SingleError(Service($$"""
            "telemetry/metrics": {{{member}}}
            """));

        Assert.StartsWith(message, d.Message, StringComparison.Ordinal);
        AssertAt(d, 3, column, $"extra_config[\"telemetry/metrics\"].{key}");
    }

    [Fact]
    public void Metrics_NotAnObject_IsAnError()
    {
        var d = SingleError(Service("""
            "telemetry/metrics": true
            """));

        Assert.Equal("\"telemetry/metrics\" must be an object, got true", d.Message);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(3, d.Location.Line);
    }
}
