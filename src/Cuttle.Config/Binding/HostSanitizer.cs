using System.Text.RegularExpressions;

namespace Cuttle.Config.Binding;

/// <summary>
/// lura config/uri.go <c>CleanHost</c>: the host regex must match exactly once; a missing scheme becomes http://
/// and a trailing slash is dropped. A host with a path (<c>http://h/api</c>) matches twice and is refused.
/// </summary>
internal static partial class HostSanitizer
{
    [GeneratedRegex(@"(https?://)?([a-zA-Z0-9\._\-]+)(:[0-9]{2,6})?/?", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();

    public static bool TryClean(string host, out string cleaned)
    {
        var matches = HostPattern().Matches(host);
        if (matches.Count != 1)
        {
            cleaned = host;
            return false;
        }
        var m = matches[0];
        var scheme = m.Groups[1].Success && m.Groups[1].Length > 0 ? m.Groups[1].Value : "http://";
        cleaned = scheme + m.Groups[2].Value + m.Groups[3].Value;
        return true;
    }
}
