using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderTelemetryTests
{
    // The namespace's text starts on line 2 of the file.
    private static ConfigLoadResult Service(string telemetry, string name = "") => Parse($$$"""
        {"version": 3, "name": "{{{name}}}", "extra_config": {
        {{{telemetry}}}
        }, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}]}]}
        """);

    private static OpenTelemetryOptions Bound(string telemetry, string name = "")
    {
        var result = Service(telemetry, name);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.OpenTelemetry!;
    }

    [Fact]
    public void Defaults_AreKrakendOtels()
    {
        var o = Bound("\"telemetry/opentelemetry\": {}");

        Assert.Equal("KrakenD", o.ServiceName);
        Assert.Equal(1.0, o.TraceSampleRate);
        Assert.Equal(30, o.MetricReportingPeriod);
        Assert.Equal(["/__health", "/__debug/", "/__echo/", "/__stats/"], o.SkipPaths.ToArray());
        Assert.False(o.Global.DisableMetrics || o.Global.DisableTraces || o.Global.DisablePropagation);
        Assert.True(o.Backend.Metrics.RoundTrip && o.Backend.Traces.ReadPayload && o.Backend.Traces.DetailedConnection);
        Assert.Equal("my-gw", Bound("\"telemetry/opentelemetry\": {}", name: "my-gw").ServiceName);
    }

    [Fact]
    public void DetailedConnection_And_SemanticConvention_AreAppliedWithoutWarning()
    {
        var result = Service("""
            "telemetry/opentelemetry": {"layers": {"global": {"semantic_convention": "1.27"},
              "backend": {"metrics": {"round_trip": true, "detailed_connection": true}, "traces": {"round_trip": true, "detailed_connection": true}}}}
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("detailed_connection", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("semantic_convention", StringComparison.Ordinal));
        Assert.True(result.Config!.OpenTelemetry!.Backend.Metrics.DetailedConnection && result.Config.OpenTelemetry.Backend.Traces.DetailedConnection);
        Assert.Equal("1.27", result.Config.OpenTelemetry.Global.SemanticConvention);
    }

    [Fact]
    public void AnUnknownSemanticConvention_WarnsAtItsValue_AndIsKeptAsKrakendOtelFallsBackToTheDefaultNames()
    {
        var result = Service("\"telemetry/opentelemetry\": {\"layers\": {\"global\": {\"semantic_convention\": \"1.29\"}}}");

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var warning = Assert.Single(result.Diagnostics, d => d.Message.Contains("semantic_convention", StringComparison.Ordinal));
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("\"1.29\" is not a semantic convention krakend-otel knows (\"1.27\")", warning.Message, StringComparison.Ordinal);
        Assert.Equal((2, 74), (warning.Location.Line, warning.Location.Column));
        Assert.Equal("1.29", result.Config!.OpenTelemetry!.Global.SemanticConvention);
        Assert.DoesNotContain(Service("\"telemetry/opentelemetry\": {\"layers\": {\"global\": {\"semantic_convention\": \"\"}}}").Diagnostics,
            d => d.Message.Contains("semantic_convention", StringComparison.Ordinal));
    }

    [Fact]
    public void DocumentedExample_IsTyped()
    {
        var o = Bound("""
            "telemetry/opentelemetry": {"service_name": "gw", "service_version": "1.2", "deploy_env": "prod", "trace_sample_rate": 0.25,
              "metric_reporting_period": 10, "skip_paths": ["/x"],
              "layers": {"global": {"disable_propagation": true, "metrics_static_attributes": [{"key": "k", "value": "v"}, {"key": "", "value": "dropped"}]},
                         "proxy": {"disable_traces": true},
                         "backend": {"metrics": {"disable_stage": true}, "traces": {"round_trip": true}}},
              "exporters": {"otlp": [{"name": "c", "host": "collector", "port": 4318, "use_http": true, "disable_metrics": true}],
                            "prometheus": [{"name": "p", "port": 9091, "listen_ip": "127.0.0.1", "process_metrics": true}]}}
            """);

        Assert.Equal(("gw", "1.2", "prod", 0.25, 10), (o.ServiceName, o.ServiceVersion, o.DeployEnv, o.TraceSampleRate, o.MetricReportingPeriod));
        Assert.Equal(["/x"], o.SkipPaths.ToArray());
        Assert.True(o.Global.DisablePropagation);
        Assert.Equal([new TelemetryAttribute("k", "v")], o.Global.MetricsStaticAttributes.ToArray());
        Assert.True(o.Proxy.DisableTraces);
        Assert.True(o.Backend.Metrics.DisableStage);
        // A present block takes Go's zero values for what it leaves out.
        Assert.False(o.Backend.Metrics.RoundTrip);
        Assert.True(o.Backend.Traces.RoundTrip);
        Assert.False(o.Backend.Traces.ReadPayload);
        var otlp = Assert.Single(o.Otlp);
        Assert.Equal(("c", "collector", 4318, true, true, false), (otlp.Name, otlp.Host, otlp.Port, otlp.UseHttp, otlp.DisableMetrics, otlp.DisableTraces));
        var prom = Assert.Single(o.Prometheus);
        Assert.Equal(("p", 9091, "127.0.0.1", true), (prom.Name, prom.Port, prom.ListenIp, prom.ProcessMetrics));
    }

    [Fact]
    public void ExporterDefaults_AreKrakendOtels()
    {
        var o = Bound("""
            "telemetry/opentelemetry": {"exporters": {"otlp": [{"name": "a"}], "prometheus": [{"name": "b", "host": "127.0.0.1"}]}}
            """);

        Assert.Equal(("localhost", 4317, false), (o.Otlp[0].Host, o.Otlp[0].Port, o.Otlp[0].UseHttp));
        Assert.Equal((9090, "127.0.0.1"), (o.Prometheus[0].Port, o.Prometheus[0].ListenIp));
    }

    [Fact]
    public void EndpointAndBackendOverrides_AreTheLayerBlocksAtTheNamespacesTop()
    {
        var result = Parse("""
            {"version": 3, "extra_config": {"telemetry/opentelemetry": {}}, "endpoints": [{"endpoint": "/a",
              "extra_config": {"telemetry/opentelemetry": {"proxy": {"disable_metrics": true}}},
              "backend": [{"url_pattern": "/", "host": ["h"], "extra_config": {"telemetry/opentelemetry": {"backend": {"traces": {"disable_stage": true}}}}}]}]}
            """);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var endpoint = result.Config!.Endpoints[0];
        Assert.True(endpoint.Telemetry!.Proxy!.DisableMetrics);
        Assert.True(endpoint.Backend[0].Telemetry!.Backend!.Traces.DisableStage);
    }

    [Theory]
    [InlineData("{\"trace_sample_rate\": \"half\"}", 2, 50, "must be a number")]
    [InlineData("{\"layers\": {\"proxy\": {\"disable_metrics\": [1]}}}", 2, 69, "must be a boolean")]
    [InlineData("{\"exporters\": {\"prometheus\": [{\"name\": \"p\", \"port\": 70000}]}}", 2, 80, "between 1 and 65535")]
    [InlineData("{\"exporters\": {\"otlp\": [{\"name\": \"c\", \"port\": \"x\"}]}}", 2, 74, "must be an integer")]
    public void WrongTypesAndBadPorts_AreErrorsAtTheirPosition(string block, int line, int column, string message)
    {
        var error = SingleError(Service("\"telemetry/opentelemetry\": " + block));
        Assert.Contains(message, error.Message);
        Assert.Equal((line, column), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void UnknownLayerKeys_AreErrorsAtTheirPosition()
    {
        var error = SingleError(Service("\"telemetry/opentelemetry\": {\"layers\": {\"pipe\": {}, \"proxy\": {}}}"));
        Assert.Contains("unknown key \"pipe\"", error.Message);
        Assert.Equal((2, 40), (error.Location.Line, error.Location.Column));

        var inner = SingleError(Service("\"telemetry/opentelemetry\": {\"layers\": {\"backend\": {\"metrics\": {\"round_trips\": true}}}}"));
        Assert.Contains("unknown key \"round_trips\"", inner.Message);
    }

    [Fact]
    public void OpenCensus_PrometheusAndEnabledLayers_MapOntoTheSameMetrics()
    {
        var result = Service("""
            "telemetry/opencensus": {"sample_rate": 100, "reporting_period": 1, "enabled_layers": {"router": true, "pipe": false, "backend": true},
              "exporters": {"prometheus": {"port": 9092}, "datadog": {"namespace": "x"}}}
            """);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var o = result.Config!.OpenTelemetry!;
        Assert.Equal(9092, Assert.Single(o.Prometheus).Port);
        Assert.False(o.Global.DisableMetrics);
        Assert.True(o.Proxy.DisableMetrics && o.Proxy.DisableTraces);
        Assert.False(o.Backend.Metrics.DisableStage);
        var warning = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Contains("exporters datadog are not implemented by Cuttle", warning.Message);
        Assert.Contains("nothing is sent to them", warning.Message);
    }
}
