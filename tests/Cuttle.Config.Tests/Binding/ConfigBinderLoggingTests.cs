using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using Cuttle.Config.Model.Telemetry;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderLoggingTests
{
    // The namespaces' text is on line 2 of the file.
    private static ConfigLoadResult Service(string extra) => Parse($$$"""
        {"version": 3, "extra_config": {
        {{{extra}}}
        }}
        """);

    private static GatewayConfig Bound(string extra)
    {
        var result = Service(extra);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    [Fact]
    public void Logging_DocumentedExample_IsTyped()
    {
        var l = Bound("""
            "telemetry/logging": {"level": "WARNING", "prefix": "[KRAKEND]", "syslog": true, "stdout": true, "syslog_facility": "local5"}
            """).TelemetryLogging!;

        Assert.Equal(LogLevelName.Warning, l.Level);
        Assert.Equal("[KRAKEND]", l.Prefix);
        Assert.True(l.Stdout);
        Assert.True(l.Syslog);
        Assert.Equal(21, l.SyslogFacility);
        Assert.Equal(LogFormat.Default, l.Format);
        Assert.Equal(LogPattern.DefaultText, l.Pattern.Text);
        Assert.Equal(2, l.Location.Line);
    }

    [Fact]
    public void Logging_Absent_IsNull_AndLegacyNameIsTheSameNamespace()
    {
        Assert.Null(Bound("\"router\": {}").TelemetryLogging);
        var l = Bound("""
            "github_com/devopsfaith/krakend-gologging": {"level": "debug", "stdout": true}
            """).TelemetryLogging!;
        Assert.Equal(LogLevelName.Debug, l.Level); // go-logging compares with EqualFold
        Assert.Equal(LoggingOptions.DefaultSyslogFacility, l.SyslogFacility);
    }

    [Fact]
    public void Logging_LogstashAndCustomFormats_DropThePrefix()
    {
        var logstash = Bound("""
            "telemetry/logging": {"level": "INFO", "prefix": "[KRAKEND]", "format": "logstash"}
            """).TelemetryLogging!;
        Assert.Equal(("", "[KRAKEND]", LogPattern.LogstashText), (logstash.Prefix, logstash.ConfiguredPrefix, logstash.Pattern.Text));

        var custom = Bound("""
            "telemetry/logging": {"level": "INFO", "prefix": "[K]", "format": "custom", "custom_format": "%{level:.1s} %{message}"}
            """).TelemetryLogging!;
        Assert.Equal("", custom.Prefix);
        Assert.Equal([LogVerb.Level, LogVerb.Static, LogVerb.Message], custom.Pattern.Parts.Select(p => p.Verb));
        Assert.Equal(1, custom.Pattern.Parts[0].Spec.Precision);
    }

    [Fact]
    public void Logging_UnknownLevel_IsAnErrorAtTheValue()
    {
        var d = SingleError(Service("""
            "telemetry/logging": {"level": "VERBOSE", "stdout": true}
            """));

        Assert.Contains("unknown level \"VERBOSE\"", d.Message);
        AssertAt(d, 2, 32, "extra_config[\"telemetry/logging\"].level");
    }

    [Fact]
    public void Logging_MissingLevel_IsAnError()
    {
        var d = SingleError(Service("""
            "telemetry/logging": {"stdout": true}
            """));
        Assert.Contains("\"telemetry/logging.level\" is required", d.Message);
    }

    [Fact]
    public void Logging_WrongTypes_AreErrorsAtTheirValues()
    {
        var result = Service("""
            "telemetry/logging": {"level": 1, "stdout": "yes", "syslog": 0, "prefix": true}
            """);

        Assert.False(result.Success);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, d => d.Message.StartsWith("\"telemetry/logging.level\" must be a string", StringComparison.Ordinal) && d.Location.Column == 32);
        Assert.Contains(errors, d => d.Message.StartsWith("\"telemetry/logging.stdout\" must be a boolean", StringComparison.Ordinal));
        Assert.Contains(errors, d => d.Message.StartsWith("\"telemetry/logging.syslog\" must be a boolean", StringComparison.Ordinal));
        Assert.Contains(errors, d => d.Message.StartsWith("\"telemetry/logging.prefix\" must be a string", StringComparison.Ordinal));
    }

    [Fact]
    public void Logging_NotAnObject_IsAnError()
    {
        var d = SingleError(Service("\"telemetry/logging\": \"INFO\""));
        Assert.Equal(2, d.Location.Line);
    }

    [Fact]
    public void Logging_UnknownFormatAndFacility_AreErrors()
    {
        var result = Service("""
            "telemetry/logging": {"level": "INFO", "format": "json", "syslog_facility": "daemon"}
            """);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Message).ToList();
        Assert.Contains(errors, m => m.Contains("unknown format \"json\"", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("unknown facility \"daemon\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("%{message} %{colour}", "unknown variable: colour")]
    [InlineData("just text", "invalid log format")]
    [InlineData("%{level:z} %{message}", "unsupported layout")]
    public void Logging_BadCustomFormat_IsAnErrorAtTheValue(string format, string expected)
    {
        var d = SingleError(Service($$"""
            "telemetry/logging": {"level": "INFO", "format": "custom", "custom_format": "{{format}}"}
            """));
        Assert.Contains(expected, d.Message);
        Assert.EndsWith("custom_format", d.Location.JsonPath);
    }

    [Fact]
    public void Logging_CustomWithoutCustomFormat_IsAnError()
    {
        var d = SingleError(Service("""
            "telemetry/logging": {"level": "INFO", "format": "custom"}
            """));
        Assert.Contains("\"custom_format\" is missing", d.Message);
    }

    [Fact]
    public void Gelf_AddressAndTcp_AreTyped()
    {
        var g = Bound("""
            "telemetry/gelf": {"address": "graylog:12201", "enable_tcp": true}, "telemetry/logstash": {"enabled": true}
            """);
        Assert.Equal(("graylog", 12201, true), (g.TelemetryGelf!.Host, g.TelemetryGelf.Port, g.TelemetryGelf.EnableTcp));
        Assert.NotNull(g.TelemetryLogstash);

        var v6 = Bound("\"telemetry/gelf\": {\"address\": \"[::1]:12201\"}").TelemetryGelf!;
        Assert.Equal(("::1", false), (v6.Host, v6.EnableTcp));
    }

    [Theory]
    [InlineData("graylog")]
    [InlineData("graylog:port")]
    [InlineData("::1:12201")]
    [InlineData("graylog:99999")]
    public void Gelf_UnparsableAddress_IsAnErrorAtTheValue(string address)
    {
        var d = SingleError(Service($$"""
            "telemetry/gelf": {"address": "{{address}}"}
            """));
        Assert.Contains("cannot parse", d.Message);
        AssertAt(d, 2, 31, "extra_config[\"telemetry/gelf\"].address");
    }

    [Fact]
    public void Gelf_MissingAddressOrWrongType_IsAnError()
    {
        Assert.Contains("is required", SingleError(Service("\"telemetry/gelf\": {\"enable_tcp\": true}")).Message);
        Assert.Contains("must be a boolean", SingleError(Service("\"telemetry/gelf\": {\"address\": \"h:1\", \"enable_tcp\": \"yes\"}")).Message);
    }

    [Fact]
    public void Router_LoggerSkipPaths_AreBound()
    {
        var r = Bound("\"router\": {\"logger_skip_paths\": [\"/__health\"], \"disable_access_log\": true}").Router;
        Assert.Equal(["/__health"], r.LoggerSkipPaths.ToArray());
        Assert.True(r.DisableAccessLog);
    }
}
