using Cuttle.Config.Diagnostics;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

/// <summary>telemetry/opencensus's influxdb exporter: its keys, their types and the address.</summary>
public sealed class ConfigBinderOpenCensusInfluxTests
{
    // The exporter's object starts on line 2 of the file, at column 75.
    private static ConfigLoadResult Service(string influx) => Parse($$$"""
        {"version": 3, "extra_config": {
        "telemetry/opencensus": {"reporting_period": 2, "exporters": {"influxdb": {{{influx}}}}}
        }, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}]}]}
        """);

    [Fact]
    public void Every_key_is_bound_and_the_exporter_is_no_longer_reported_as_not_implemented()
    {
        var result = Service("""{"address": "http://influxdb:8086", "db": "krakend", "username": "u", "password": "p", "timeout": "1s", "ping": true, "service_name": "gw1", "buffer_size": 5}""");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("not implemented", StringComparison.Ordinal));
        var o = result.Config!.OpenTelemetry!;
        var i = o.OpenCensus!.InfluxDb!;
        Assert.Equal(("http://influxdb:8086", "krakend", "u", "p", TimeSpan.FromSeconds(1), "gw1", 5), (i.Address, i.Database, i.Username, i.Password, i.Timeout, i.InstanceName, i.BufferSize));
        Assert.Equal(2, o.MetricReportingPeriod);
        Assert.Null(o.OpenCensus.Jaeger);
        Assert.False(o.OpenCensus.Logger);
    }

    [Fact]
    public void A_timeout_that_is_no_Go_duration_means_no_timeout_with_a_warning()
    {
        var result = Service("""{"address": "http://influxdb:8086", "timeout": "soon"}""");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal(Timeout.InfiniteTimeSpan, result.Config!.OpenTelemetry!.OpenCensus!.InfluxDb!.Timeout);
        var warning = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Contains("timeout \"soon\" is not a Go duration", warning.Message);
        Assert.Equal((2, 122), (warning.Location.Line, warning.Location.Column));
    }

    [Theory]
    [InlineData("""{"address": 8086}""", "\"telemetry/opencensus.exporters.influxdb.address\" must be a string, got the number 8086", 2, 87)]
    [InlineData("""{"address": "influxdb:8086"}""", "\"telemetry/opencensus.exporters.influxdb.address\" must be an http:// or https:// URL", 2, 87)]
    [InlineData("""{"db": "krakend"}""", "\"telemetry/opencensus.exporters.influxdb.address\" must be an http:// or https:// URL", 2, 75)]
    [InlineData("""{"address": "http://i:8086", "timeout": 5}""", "\"telemetry/opencensus.exporters.influxdb.timeout\" must be a string, got the number 5", 2, 115)]
    [InlineData("""{"address": "http://i:8086", "buffer_size": "10"}""", "\"telemetry/opencensus.exporters.influxdb.buffer_size\" must be an integer, got the string \"10\"", 2, 119)]
    [InlineData("""{"address": "http://i:8086", "ping": "yes"}""", "\"telemetry/opencensus.exporters.influxdb.ping\" must be a boolean, got the string \"yes\"", 2, 112)]
    [InlineData("""{"address": "http://i:8086", "username": ["u"]}""", "\"telemetry/opencensus.exporters.influxdb.username\" must be a string, got an array", 2, 116)]
    [InlineData("""true""", "\"telemetry/opencensus.exporters.influxdb\" must be an object, got true", 2, 75)]
    public void Wrong_types_and_a_bad_address_are_errors_at_their_position(string influx, string message, int line, int column)
    {
        var result = Service(influx);
        Assert.False(result.Success);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(message, error.Message);
        Assert.Equal((line, column), (error.Location.Line, error.Location.Column));
    }
}
