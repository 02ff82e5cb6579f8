using Cuttle.Config.Model;
using Cuttle.Gateway.Qos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Qos;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private CircuitBreaker CreateSut(int maxErrors = 1, int intervalSeconds = 0, int timeoutSeconds = 10, ILogger? logger = null) => new(
        new CircuitBreakerOptions
        {
            MaxErrors = maxErrors,
            Interval = TimeSpan.FromSeconds(intervalSeconds),
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
            Name = "cb-1",
            LogStatusChange = logger is not null,
        },
        "/users",
        _time,
        logger ?? NullLogger.Instance);

    /// <summary>One call through the breaker with the given outcome; false when the breaker refused it.</summary>
    private static bool Call(CircuitBreaker breaker, bool success)
    {
        if (!breaker.TryEnter(out var generation, out _)) return false;
        breaker.OnResult(generation, success);
        return true;
    }

    [Fact]
    public void Trips_AfterMaxErrorsPlusOneConsecutiveFailures()
    {
        var breaker = CreateSut(maxErrors: 2);

        Assert.True(Call(breaker, false));
        Assert.True(Call(breaker, false));
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(Call(breaker, false));

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.False(breaker.TryEnter(out _, out var open));
        Assert.True(open);
    }

    [Fact]
    public void ASuccess_ResetsTheConsecutiveFailures()
    {
        var breaker = CreateSut(maxErrors: 1);

        Call(breaker, false);
        Call(breaker, true);
        Call(breaker, false);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Call(breaker, false);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void TheInterval_ClearsTheCountsOfTheClosedState()
    {
        var breaker = CreateSut(maxErrors: 1, intervalSeconds: 60);

        Call(breaker, false);
        _time.Advance(TimeSpan.FromSeconds(61));
        Call(breaker, false);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Call(breaker, false);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void NoInterval_NeverClearsTheCounts()
    {
        var breaker = CreateSut(maxErrors: 1, intervalSeconds: 0);

        Call(breaker, false);
        _time.Advance(TimeSpan.FromDays(1));
        Call(breaker, false);

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Open_TurnsHalfOpen_OnlyAfterTheTimeout()
    {
        var breaker = CreateSut(maxErrors: 0, timeoutSeconds: 10);
        Call(breaker, false);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CircuitState.Open, breaker.State);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    [Fact]
    public void HalfOpen_LetsOneTrialThrough_AndRejectsTheConcurrentOnes()
    {
        var breaker = CreateSut(maxErrors: 0, timeoutSeconds: 10);
        Call(breaker, false);
        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.True(breaker.TryEnter(out var trial, out _));
        Assert.False(breaker.TryEnter(out _, out var open));
        Assert.False(open);
        Assert.False(breaker.TryEnter(out _, out _));

        breaker.OnResult(trial, success: true);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void HalfOpen_ATrialSuccess_ClosesAndStartsCountingAfresh()
    {
        var breaker = CreateSut(maxErrors: 1, timeoutSeconds: 10);
        Call(breaker, false);
        Call(breaker, false);
        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.True(Call(breaker, true));
        Assert.Equal(CircuitState.Closed, breaker.State);
        Call(breaker, false);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void HalfOpen_ATrialFailure_ReopensForAnotherTimeout()
    {
        var breaker = CreateSut(maxErrors: 3, timeoutSeconds: 10);
        for (var i = 0; i < 4; i++) Call(breaker, false);
        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.True(Call(breaker, false));

        Assert.Equal(CircuitState.Open, breaker.State);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(Call(breaker, true));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(Call(breaker, true));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void AResultFromBeforeAStateChange_IsIgnored()
    {
        var breaker = CreateSut(maxErrors: 0, timeoutSeconds: 10);
        Assert.True(breaker.TryEnter(out var slow, out _));
        Call(breaker, false);

        breaker.OnResult(slow, success: true);

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void StateChanges_AreLoggedWithTheBackendAndName_WhenAsked()
    {
        var logger = new ListLogger();
        var breaker = CreateSut(maxErrors: 0, timeoutSeconds: 10, logger: logger);

        Call(breaker, false);
        _time.Advance(TimeSpan.FromSeconds(11));
        Call(breaker, true);

        Assert.Equal(
        [
            "[BACKEND: /users][CB] Circuit breaker named 'cb-1' went from 'closed' to 'open'",
            "[BACKEND: /users][CB] Circuit breaker named 'cb-1' went from 'open' to 'half-open'",
            "[BACKEND: /users][CB] Circuit breaker named 'cb-1' went from 'half-open' to 'closed'",
        ], logger.Messages);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Messages.Add(formatter(state, exception));
    }
}
