using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Watch.Tests.Support;

/// <summary>
/// Waiting on conditions with a deadline instead of sleeping blindly. Given a <see cref="FakeTimeProvider"/>, every
/// step also moves that clock one <see cref="ClockStep"/> on, so a debounce window or back-off armed on it elapses
/// at the next step: the test waits for real file-system events and processes, never for the windows themselves.
/// </summary>
internal static class Poll
{
    /// <summary>As long as the longest debounce the tests configure, so a quiet period passes in one step.</summary>
    public static readonly TimeSpan ClockStep = TimeSpan.FromMilliseconds(100);

    public static async Task UntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000, FakeTimeProvider? clock = null)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.ElapsedMilliseconds > timeoutMs)
            {
                Assert.Fail($"timed out after {timeoutMs} ms waiting for: {what}");
            }

            // Real time first: events already queued (a burst just written) reach the watcher before its window closes.
            await Task.Delay(10);
            clock?.Advance(ClockStep);
        }
    }

    /// <summary>Asserting that something does NOT happen needs a window: the value must hold for the whole of it.</summary>
    public static async Task StaysAsync<T>(Func<T> value, T expected, int windowMs, string what, FakeTimeProvider? clock = null)
    {
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < windowMs)
        {
            Assert.True(EqualityComparer<T>.Default.Equals(value(), expected), $"{what}: expected {expected}, got {value()}");
            await Task.Delay(10);
            clock?.Advance(ClockStep);
        }
    }
}
