using Cuttle.Go;

namespace Cuttle.Watch.Reflex;

/// <summary>
/// A duration flag of the watcher (reflex's <c>-t</c>, <c>--debounce</c>, <c>--poll</c>): Go's time.ParseDuration, as
/// reflex reads it ("500ms", "1.5s", "1m30s"; a unit is required except for "0"). A negative one is refused: Go would
/// take it, but a negative wait, debounce or poll interval means nothing here.
/// </summary>
public static class DurationFlag
{
    /// <exception cref="WatchException">Malformed or negative.</exception>
    public static TimeSpan Parse(string text, string flag)
    {
        if (GoDuration.TryParse(text, out var value) && value >= TimeSpan.Zero)
        {
            return value;
        }

        throw new WatchException($"{flag}: invalid duration '{text}' (use a number with a unit: 300ms, 1.5s, 2m)");
    }
}
