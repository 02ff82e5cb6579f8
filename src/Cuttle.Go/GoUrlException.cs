namespace Cuttle.Go;

/// <summary>
/// A backend URL Go's url.Parse refuses (a control character, a bad %-escape): the backend call fails as lura's
/// balancing middleware fails it, before any connection is made. <see cref="QuotedUrl"/> is the URL as Go quotes it
/// in the message (%q), safe to log.
/// </summary>
public sealed class GoUrlException(string message, string quotedUrl) : HttpRequestException(message)
{
    public string QuotedUrl { get; } = quotedUrl;
}
