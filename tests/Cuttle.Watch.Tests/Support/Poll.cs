using System.Diagnostics;

namespace Cuttle.Watch.Tests.Support;

/// <summary>Waiting on conditions with a deadline instead of sleeping blindly.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.ElapsedMilliseconds > timeoutMs)
            {
                Assert.Fail($"timed out after {timeoutMs} ms waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Asserting that something does NOT happen needs a window: the value must hold for the whole of it.</summary>
    public static async Task StaysAsync<T>(Func<T> value, T expected, int windowMs, string what)
    {
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < windowMs)
        {
            Assert.True(EqualityComparer<T>.Default.Equals(value(), expected), $"{what}: expected {expected}, got {value()}");
            await Task.Delay(10);
        }
    }
}
