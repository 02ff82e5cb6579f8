using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderCircuitBreakerTests
{
    // The namespace's text is on line 3 of the file.
    private static ConfigLoadResult Backend(string circuitBreaker) => Parse($$$"""
        {"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"],
          "extra_config": {
        {{{circuitBreaker}}}
        }}]}]}
        """);

    private static CircuitBreakerOptions? Bound(string circuitBreaker)
    {
        var result = Backend(circuitBreaker);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.Endpoints[0].Backend[0].CircuitBreaker;
    }

    [Fact]
    public void CircuitBreaker_DocumentedExample_IsTyped()
    {
        var cb = Bound("""
            "qos/circuit-breaker": {"interval": 60, "timeout": 10, "max_errors": 1, "name": "cb-1", "log_status_change": true}
            """)!;

        Assert.Equal(TimeSpan.FromSeconds(60), cb.Interval);
        Assert.Equal(TimeSpan.FromSeconds(10), cb.Timeout);
        Assert.Equal(1, cb.MaxErrors);
        Assert.Equal("cb-1", cb.Name);
        Assert.True(cb.LogStatusChange);
        Assert.Equal(3, cb.Location.Line);
    }

    [Fact]
    public void CircuitBreaker_LegacyName_IsTheSameNamespace()
    {
        var cb = Bound("""
            "github.com/devopsfaith/krakend-circuitbreaker/gobreaker": {"interval": 5, "timeout": 7, "max_errors": 2}
            """)!;

        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7), 2), (cb.Interval, cb.Timeout, cb.MaxErrors));
    }

    [Fact]
    public void CircuitBreaker_ZeroTimeout_IsGobreakersSixtySeconds_AndOmittedValuesAreZero()
    {
        var cb = Bound("""
            "qos/circuit-breaker": {"max_errors": 3}
            """)!;

        Assert.Equal(TimeSpan.FromSeconds(60), cb.Timeout);
        Assert.Equal(TimeSpan.Zero, cb.Interval);
        Assert.Equal(3, cb.MaxErrors);
        Assert.Equal("", cb.Name);
        Assert.False(cb.LogStatusChange);
    }

    [Fact]
    public void CircuitBreaker_AllZero_IsKrakendsZeroCfg_NoBreaker()
    {
        Assert.Null(Bound("""
            "qos/circuit-breaker": {"interval": 0, "timeout": 0, "max_errors": 0}
            """));
        Assert.Null(Bound("""
            "backend/http": {}
            """));
        Assert.NotNull(Bound("""
            "qos/circuit-breaker": {"interval": 0, "timeout": 0, "max_errors": 0, "log_status_change": true}
            """));
    }

    [Fact]
    public void CircuitBreaker_NameAlone_IsABreakerThatTripsOnTheFirstFailure()
    {
        var cb = Bound("""
            "qos/circuit-breaker": {"name": "only-a-name"}
            """)!;

        Assert.Equal(0, cb.MaxErrors);
        Assert.Equal("only-a-name", cb.Name);
    }

    [Fact]
    public void CircuitBreaker_MaxErrorsNotAnInteger_IsAnErrorAtTheValue()
    {
        var d = SingleError(Backend("""
            "qos/circuit-breaker": {"interval": 60, "timeout": 10, "max_errors": "many"}
            """));

        Assert.Equal("\"qos/circuit-breaker.max_errors\" must be an integer, got the string \"many\"", d.Message);
        AssertAt(d, 3, 70, "endpoints[0].backend[0].extra_config[\"qos/circuit-breaker\"].max_errors");
    }

    [Fact]
    public void CircuitBreaker_NegativeTimeout_IsAnErrorAtTheValue()
    {
        var d = SingleError(Backend("""
            "qos/circuit-breaker": {"interval": 60, "timeout": -1, "max_errors": 1}
            """));

        Assert.Equal("\"qos/circuit-breaker.timeout\" must be 0 or more, got -1", d.Message);
        Assert.Equal(3, d.Location.Line);
        Assert.EndsWith("timeout", d.Location.JsonPath);
    }

    [Fact]
    public void CircuitBreaker_BadBooleanAndName_AreErrors()
    {
        var result = Backend("""
            "qos/circuit-breaker": {"max_errors": 1, "log_status_change": "loud", "name": {"a": 1}}
            """);

        Assert.False(result.Success);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Message).ToArray();
        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, m => m.Contains("qos/circuit-breaker.log_status_change", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("qos/circuit-breaker.name", StringComparison.Ordinal));
    }
}
