using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

/// <summary>telemetry/opencensus's jaeger, zipkin and logger exporters, sample_rate and reporting_period.</summary>
public sealed class ConfigBinderOpenCensusTests
{
    // The namespace's text starts on line 2 of the file.
    private static ConfigLoadResult Service(string census, string name = "") => Parse($$$"""
        {"version": 3, "name": "{{{name}}}", "extra_config": {
        "telemetry/opencensus": {{{census}}}
        }, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}]}]}
        """);

    private static OpenTelemetryOptions Bound(string census, string name = "")
    {
        var result = Service(census, name);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("not implemented", StringComparison.Ordinal));
        return result.Config!.OpenTelemetry!;
    }

    [Fact]
    public void The_corpus_jaeger_block_becomes_a_jaeger_exporter_with_every_span_sampled()
    {
        var o = Bound("""
            {"sample_rate": 100, "reporting_period": 1, "enabled_layers": {"backend": true, "router": true, "pipe": true},
             "exporters": {"jaeger": {"endpoint": "http://jaeger:14268/api/traces", "service_name": "krakend", "buffer_max_count": 1000}}}
            """);
        var jaeger = o.OpenCensus!.Jaeger!;
        Assert.Equal(("http://jaeger:14268/api/traces", "", "krakend", 1000), (jaeger.Endpoint, jaeger.AgentEndpoint, jaeger.ServiceName, jaeger.BufferMaxCount));
        Assert.Equal(1.0, o.TraceSampleRate);
        Assert.Equal(1, o.MetricReportingPeriod);
        Assert.False(o.Global.DisableTraces || o.Proxy.DisableTraces || o.Backend.Traces.DisableStage);
        Assert.Null(o.OpenCensus.Zipkin);
        Assert.False(o.OpenCensus.Logger);
    }

    [Fact]
    public void Zipkin_logger_and_the_agent_path_bind_with_opencensus_defaults()
    {
        var o = Bound("""
            {"sample_rate": 25, "exporters": {"zipkin": {"collector_url": "http://localhost:9411/api/v2/spans", "service_name": "edge"},
              "logger": {}, "jaeger": {"agent_endpoint": "jaeger:6831"}}}
            """, name: "gw");
        Assert.Equal("http://localhost:9411/api/v2/spans", o.OpenCensus!.Zipkin!.CollectorUrl);
        Assert.Equal("edge", o.ServiceName); // the zipkin local endpoint's name is the resource's service.name
        Assert.True(o.OpenCensus.Logger);
        Assert.Equal(("", "jaeger:6831", "OpenCensus"), (o.OpenCensus.Jaeger!.Endpoint, o.OpenCensus.Jaeger.AgentEndpoint, o.OpenCensus.Jaeger.ServiceName));
        Assert.Equal(0.25, o.TraceSampleRate); // ProbabilitySampler(25/100)
        Assert.Equal(10, o.MetricReportingPeriod); // opencensus's default period
    }

    [Theory]
    [InlineData("\"sample_rate\": 0,", "is 0")]
    [InlineData("\"sample_rate\": -5,", "is -5")]
    [InlineData("", "is absent")]
    public void A_sample_rate_of_zero_or_less_samples_nothing_and_says_so(string rate, string said)
    {
        var result = Service("{" + rate + """ "exporters": {"logger": {}, "prometheus": {"port": 9091}}}""");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var o = result.Config!.OpenTelemetry!;
        Assert.True(o.Global.DisableTraces && o.Proxy.DisableTraces && o.Backend.Traces.DisableStage && !o.Backend.Traces.RoundTrip);
        Assert.False(o.Global.DisableMetrics || o.Proxy.DisableMetrics || o.Backend.Metrics.DisableStage);
        var warning = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Contains($"sample_rate {said}: as in KrakenD (opencensus's NeverSample) no span is sampled", warning.Message);
    }

    [Fact]
    public void A_sample_rate_over_100_samples_everything() =>
        Assert.Equal(1.0, Bound("""{"sample_rate": 250, "exporters": {"logger": {}}}""").TraceSampleRate);

    [Theory]
    [InlineData("""{"sample_rate": "100", "exporters": {"logger": {}}}""", "\"telemetry/opencensus.sample_rate\" must be an integer, got the string \"100\"", 2, 41)]
    [InlineData("""{"sample_rate": 100, "reporting_period": 1.5, "exporters": {"logger": {}}}""", "\"telemetry/opencensus.reporting_period\" must be an integer, got the number 1.5", 2, 66)]
    [InlineData("""{"sample_rate": 100, "exporters": {"jaeger": {"endpoint": 14268}}}""", "\"telemetry/opencensus.exporters.jaeger.endpoint\" must be a string, got the number 14268", 2, 83)]
    [InlineData("""{"sample_rate": 100, "exporters": {"jaeger": {"endpoint": "jaeger:14268"}}}""", "must be an http:// or https:// URL", 2, 83)]
    [InlineData("""{"sample_rate": 100, "exporters": {"jaeger": {"agent_endpoint": "jaeger"}}}""", "\"telemetry/opencensus.exporters.jaeger.agent_endpoint\" must be host:port", 2, 89)]
    [InlineData("""{"sample_rate": 100, "exporters": {"jaeger": {"endpoint": "http://j/api/traces", "buffer_max_count": "9"}}}""", "buffer_max_count\" must be an integer, got the string \"9\"", 2, 126)]
    [InlineData("""{"sample_rate": 100, "exporters": {"zipkin": {"collector_url": ["http://z"]}}}""", "\"telemetry/opencensus.exporters.zipkin.collector_url\" must be a string, got an array", 2, 88)]
    [InlineData("""{"sample_rate": 100, "exporters": {"zipkin": {"service_name": "x"}}}""", "collector_url\" must be an http:// or https:// URL", 2, 70)]
    [InlineData("""{"sample_rate": 100, "exporters": {"logger": true}}""", "\"telemetry/opencensus.exporters.logger\" must be an object, got true", 2, 70)]
    public void Wrong_types_are_errors_at_their_position(string census, string message, int line, int column)
    {
        var result = Service(census);
        Assert.False(result.Success);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(message, error.Message);
        Assert.Equal((line, column), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void A_jaeger_block_without_an_endpoint_is_left_out_with_a_warning()
    {
        var result = Service("""{"sample_rate": 100, "exporters": {"jaeger": {"service_name": "k", "endpont": "x"}}}""");
        Assert.True(result.Success);
        Assert.Null(result.Config!.OpenTelemetry);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("unknown key \"endpont\" in telemetry/opencensus.exporters.jaeger; ignored, as KrakenD does", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("has neither endpoint nor agent_endpoint", StringComparison.Ordinal));
    }
}
