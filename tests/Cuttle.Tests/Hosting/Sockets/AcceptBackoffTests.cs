using System.Net.Sockets;
using Cuttle.Hosting.Sockets;
using Microsoft.Extensions.Logging;

namespace Cuttle.Tests.Hosting.Sockets;

public sealed class AcceptBackoffTests
{
    private const SocketError TooManyOpenSockets = SocketError.TooManyOpenSockets;

    [Fact]
    public void Waits_double_from_5ms_up_to_1s_and_start_over_after_a_successful_accept()
    {
        var (backoff, _, _) = CreateSut();

        var waits = new List<double>();
        for (var i = 0; i < 10; i++) waits.Add(backoff.OnFailure(TooManyOpenSockets).TotalMilliseconds);
        backoff.OnSuccess();
        var afterRecovery = backoff.OnFailure(TooManyOpenSockets).TotalMilliseconds;

        // Go's http.Server.Serve: 5ms, doubled per consecutive temporary error, capped at 1s, reset by a good accept.
        Assert.Equal([5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000], waits);
        Assert.Equal(5, afterRecovery);
    }

    [Fact]
    public async Task WaitAsync_sleeps_the_schedule_on_the_time_provider()
    {
        var (backoff, time, _) = CreateSut();

        for (var i = 0; i < 4; i++) await backoff.WaitAsync(TooManyOpenSockets, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([5, 10, 20, 40], time.Timers.Select(t => t.TotalMilliseconds));
        Assert.Equal(75, time.Elapsed.TotalMilliseconds);
    }

    [Fact]
    public void A_burst_logs_one_warning_when_it_starts_and_one_summary_when_it_ends()
    {
        var (backoff, time, log) = CreateSut();

        for (var i = 0; i < 50; i++)
        {
            var wait = backoff.OnFailure(TooManyOpenSockets);
            time.Advance(wait);
        }
        backoff.OnSuccess();
        backoff.OnSuccess(); // a good accept outside a burst says nothing

        Assert.Equal(2, log.Count);
        Assert.Contains("TooManyOpenSockets", log[0], StringComparison.Ordinal);
        // 5+10+...+640 = 1275 ms in 8 waits, then 42 waits of 1 s.
        Assert.Equal("accepting connections again after 50 failed accepts over 43275 ms", log[1]);
        Assert.Equal(0, backoff.Failures);
    }

    [Theory]
    [InlineData(SocketError.ConnectionReset, true)]
    [InlineData(SocketError.ConnectionAborted, true)]
    [InlineData(SocketError.TooManyOpenSockets, false)]
    [InlineData(SocketError.NoBufferSpaceAvailable, false)]
    public void Only_a_connection_the_peer_gave_up_is_retried_at_once(SocketError error, bool atOnce)
    {
        Assert.Equal(atOnce, AcceptBackoff.IsPeerGone(error));
    }

    private static (AcceptBackoff, ManualTime, List<string>) CreateSut()
    {
        var time = new ManualTime();
        var log = new List<string>();
        return (new AcceptBackoff(new ListLogger(log), time), time, log);
    }

    /// <summary>A clock that moves only when told to, or by the full due time of each timer created on it.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;
        public List<TimeSpan> Timers { get; } = [];
        public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (Timers) Timers.Add(dueTime);
            Advance(dueTime);
            // Fired after CreateTimer has returned, as a real timer would.
            _ = Task.Run(() => callback(state));
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;
            public void Dispose() { }
            public ValueTask DisposeAsync() => default;
        }
    }

    private sealed class ListLogger(List<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Add(formatter(state, exception));
    }
}
