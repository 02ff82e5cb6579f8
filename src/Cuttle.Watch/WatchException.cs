namespace Cuttle.Watch;

/// <summary>A user-facing error (bad pattern, missing command, unreadable config): the message is shown as-is, no stack trace.</summary>
public sealed class WatchException : Exception
{
    public WatchException(string message)
        : base(message)
    {
    }

    public WatchException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
