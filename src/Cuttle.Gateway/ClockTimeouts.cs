namespace Cuttle.Gateway;

/// <summary>
/// Timeouts on an injected <see cref="TimeProvider"/>, so tests can fire them with a fake clock instead of sleeping.
/// On the system clock each is exactly the call it replaces (no extra timer or allocation on the request path).
/// </summary>
internal static class ClockTimeouts
{
    /// <summary>
    /// <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> on <paramref name="time"/>'s clock. On the system
    /// clock it is that call and returns null; on another clock it returns that clock's timer, which the caller
    /// disposes before the source (declare it after the source in a <c>using</c>).
    /// </summary>
    public static ITimer? CancelAfterOn(this CancellationTokenSource source, TimeSpan delay, TimeProvider time)
    {
        if (ReferenceEquals(time, TimeProvider.System))
        {
            source.CancelAfter(delay);
            return null;
        }
        return time.CreateTimer(static s =>
        {
            try { ((CancellationTokenSource)s!).Cancel(); }
            catch (ObjectDisposedException) { } // the request finished as the timer fired
        }, source, delay, Timeout.InfiniteTimeSpan);
    }
}
