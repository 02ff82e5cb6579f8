using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderInfluxTests
{
    // The namespace's text is on line 3 of the file, from column 1.
    private static ConfigLoadResult Service(string influx, string metrics = ", \"telemetry/metrics\": {}") => Parse($$$"""
        {"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}]}],
         "extra_config": {
        {{{influx}}}{{{metrics}}}
        }}
        """);

    private static InfluxOptions? Bound(string influx)
    {
        var result = Service(influx);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.Influx;
    }

    [Fact]
    public void Influx_DocumentedExample_IsTyped()
    {
        var o = Bound("""
            "telemetry/influx": {"address": "http://influxdb:8086", "ttl": "25s", "buffer_size": 100, "db": "gw", "username": "u", "password": "p"}
            """)!;

        Assert.Equal(("http://influxdb:8086", TimeSpan.FromSeconds(25), "gw", "u", "p"), (o.Address, o.Ttl, o.Database, o.Username, o.Password));
        Assert.Equal(3, o.Location.Line);
    }

    [Fact]
    public void Influx_Defaults_AreKrakendInfluxs_AndTheLegacyNameIsTheSameNamespace()
    {
        var o = Bound("""
            "github_com/letgoapp/krakend-influx": {"address": "http://influxdb:8086"}
            """)!;

        Assert.Equal((TimeSpan.FromMinutes(1), "krakend", "", ""), (o.Ttl, o.Database, o.Username, o.Password));
    }

    [Fact]
    public void Influx_WithoutAddress_OrWithoutMetrics_IsAWarningThatSaysNothingIsPushed()
    {
        var noAddress = Service("""
            "telemetry/influx": {"ttl": "10s"}
            """);
        Assert.True(noAddress.Success);
        Assert.Null(noAddress.Config!.Influx);
        Assert.Contains(noAddress.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("telemetry/influx has no address", StringComparison.Ordinal));

        var noMetrics = Service("""
            "telemetry/influx": {"address": "http://influxdb:8086"}
            """, metrics: "");
        Assert.True(noMetrics.Success);
        Assert.Contains(noMetrics.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Location.Line == 3
            && d.Message.Contains("telemetry/influx without telemetry/metrics sends nothing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"address\": \"http://i:8086\", \"ttl\": 25", 57, "ttl", "\"telemetry/influx.ttl\" must be a duration string such as \"1m\", got the number 25")]
    [InlineData("\"address\": \"http://i:8086\", \"ttl\": \"25 s\"", 57, "ttl", "invalid duration \"25 s\" for \"telemetry/influx.ttl\"")]
    [InlineData("\"address\": \"http://i:8086\", \"ttl\": \"0s\"", 57, "ttl", "\"telemetry/influx.ttl\" must be positive, got \"0s\"")]
    [InlineData("\"address\": \"http://i:8086\", \"db\": 1", 56, "db", "\"telemetry/influx.db\" must be a string, got the number 1")]
    [InlineData("\"address\": 8086", 33, "address", "\"telemetry/influx.address\" must be a string, got the number 8086")]
    [InlineData("\"address\": \"influxdb:8086\"", 33, "address", "invalid \"telemetry/influx.address\" \"influxdb:8086\": expected an http:// or https:// URL")]
    public void Influx_BadValue_IsAnErrorAtItsPosition(string member, int column, string key, string message)
    {
        var d = SingleError(Service($$"""
            "telemetry/influx": {{{member}}}
            """));

        Assert.StartsWith(message, d.Message, StringComparison.Ordinal);
        AssertAt(d, 3, column, $"extra_config[\"telemetry/influx\"].{key}");
    }
}
