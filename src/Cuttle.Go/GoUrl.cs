using System.Buffers;
using System.Text;

namespace Cuttle.Go;

/// <summary>
/// Go's net/url as KrakenD's backend client applies it. Query encoding: url.Values.Encode (keys sorted, QueryEscape).
/// Request URLs: KrakenD substitutes params raw into host + url_pattern and then url.Parse reads the string
/// (lura proxy/balancing.go); the request line carries u.RequestURI(). <see cref="ToRequestUrl"/> and
/// <see cref="NormalizeInPlace"/> give that same result as a URL string: a URL url.Parse refuses (a control byte, a
/// bad %-escape) is refused here too, and nothing is sent; otherwise the path is escaped as EscapedPath does it.
/// </summary>
public static class GoUrl
{
    private const string UpperHex = "0123456789ABCDEF";

    /// <summary>Go's stringContainsCTLByte: bytes below 0x20 and DEL; url.Parse refuses them anywhere before '#'.</summary>
    private static readonly SearchValues<char> Ctl = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

    /// <summary>
    /// What Go's validEncoded(path, encodePath) accepts: the unreserved and sub-delim characters, ':', '@', '/',
    /// '[', ']' and '%'. A raw path made only of these goes out as written (RawPath); any other character (space,
    /// '"', '&lt;', '\', '^', '`', '{', '|', '}', non-ASCII) makes Go escape the decoded path afresh.
    /// </summary>
    private static readonly SearchValues<char> PathVerbatim = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/[]%");

    /// <summary>Visible ASCII: what a query may carry on the request line as it is ('#' never gets there).</summary>
    private static readonly SearchValues<char> QueryVerbatim = SearchValues.Create(
        "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    [ThreadStatic]
    private static StringBuilder? t_builder;

    /// <summary>Whether a normalized URL has a query: none, a bare '?' (Go's ForceQuery), or a non-empty RawQuery.</summary>
    public enum QueryState : byte { None, Empty, Present, Invalid }

    private enum Verdict : byte { Clean, Rewrite, ControlCharacter, BadEscape }

    public static void AppendQueryEscaped(StringBuilder sb, string s)
    {
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' or '.' or '~') sb.Append(c);
            else if (c == ' ') sb.Append('+');
            else sb.Append('%').Append(UpperHex[b >> 4]).Append(UpperHex[b & 0xF]);
        }
    }

    /// <summary>
    /// The URL as Go's client would send it (see <see cref="NormalizeInPlace"/>): the same instance when it already is
    /// (no allocation), else the rewritten one. Throws <see cref="GoUrlException"/> where url.Parse fails.
    /// </summary>
    public static string ToRequestUrl(string url)
    {
        var verdict = Analyze(url, out var pathStart, out var queryMark, out var hash, out var bad);
        switch (verdict)
        {
            case Verdict.Clean: return url;
            case Verdict.Rewrite:
                var sb = t_builder ??= new StringBuilder(256);
                sb.Clear();
                Write(url, pathStart, queryMark, hash, sb);
                var result = sb.ToString();
                if (sb.Capacity > 4096) t_builder = null;
                return result;
            default:
                throw Error(url, verdict, hash, bad);
        }
    }

    /// <summary>Like <see cref="ToRequestUrl"/>, but returns null instead of throwing when url.Parse would fail.</summary>
    public static string? TryToRequestUrl(string url)
    {
        var verdict = Analyze(url, out var pathStart, out var queryMark, out var hash, out _);
        if (verdict == Verdict.Clean) return url;
        if (verdict != Verdict.Rewrite) return null;
        var sb = new StringBuilder(url.Length + 16);
        Write(url, pathStart, queryMark, hash, sb);
        return sb.ToString();
    }

    /// <summary>
    /// Turns the substituted host + url_pattern in <paramref name="sb"/> into what Go's url.Parse + RequestURI would
    /// send: the path kept as written when it is a valid encoding (Go's RawPath), else decoded and escaped again
    /// with encodePath (space → %20, raw UTF-8 → %XX, '!' → %21 ...); the query kept (Go sends RawQuery verbatim),
    /// except that a space or a non-ASCII character is percent-encoded: Go would put them on the request line as
    /// they are, which is invalid HTTP (RFC 9112 §3.2: a request-target has no whitespace; a space ends it), so this
    /// is a deliberate difference. The fragment (from '#') is cut off: Go never sends it. Returns the query state
    /// (for appending the forwarded query as lura does), or <see cref="QueryState.Invalid"/> with the builder left
    /// untouched when url.Parse would fail: control bytes, a bad %-escape in the path or fragment.
    /// </summary>
    public static QueryState NormalizeInPlace(StringBuilder sb)
    {
        var length = sb.Length;
        char[]? rented = null;
        Span<char> raw = length <= 512 ? stackalloc char[length] : (rented = ArrayPool<char>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            sb.CopyTo(0, raw, length);
            var verdict = Analyze(raw, out var pathStart, out var queryMark, out var hash, out _);
            if (verdict is Verdict.ControlCharacter or Verdict.BadEscape) return QueryState.Invalid;
            if (verdict == Verdict.Rewrite)
            {
                sb.Clear();
                Write(raw, pathStart, queryMark, hash, sb);
            }
            var end = hash < 0 ? length : hash;
            return queryMark < 0 ? QueryState.None : queryMark == end - 1 ? QueryState.Empty : QueryState.Present;
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Go's parse, reduced to what the request line needs: where the path starts (after scheme://authority), the
    /// first '?', the '#', and whether the text can go out as it is. <paramref name="bad"/> is the index of a bad
    /// %-escape.
    /// </summary>
    private static Verdict Analyze(ReadOnlySpan<char> url, out int pathStart, out int queryMark, out int hash, out int bad)
    {
        queryMark = -1;
        pathStart = 0;
        bad = -1;
        // url.Parse cuts the fragment off first; only the part before it is checked for control bytes.
        hash = url.IndexOf('#');
        var main = hash < 0 ? url : url[..hash];
        if (main.IndexOfAny(Ctl) >= 0) return Verdict.ControlCharacter;
        queryMark = main.IndexOf('?');
        var beforeQuery = queryMark < 0 ? main : main[..queryMark];
        pathStart = PathStart(beforeQuery);
        var path = beforeQuery[pathStart..];
        // setPath: unescape(p, encodePath) fails on a '%' without two hex digits after it.
        if ((bad = BadEscape(path)) >= 0)
        {
            bad += pathStart;
            return Verdict.BadEscape;
        }
        // setFragment likewise (the fragment itself is never sent).
        if (hash >= 0 && (bad = BadEscape(url[(hash + 1)..])) >= 0)
        {
            bad += hash + 1;
            return Verdict.BadEscape;
        }
        if (hash >= 0 || path.IndexOfAnyExcept(PathVerbatim) >= 0) return Verdict.Rewrite;
        return queryMark >= 0 && main[(queryMark + 1)..].IndexOfAnyExcept(QueryVerbatim) >= 0 ? Verdict.Rewrite : Verdict.Clean;
    }

    /// <summary>
    /// Go's getScheme and authority split: "scheme:" ([a-zA-Z][a-zA-Z0-9+-.]*), then "//authority" up to the next
    /// '/'. A URL without a scheme is a path (or "//authority/path"). The authority is kept as written.
    /// </summary>
    private static int PathStart(ReadOnlySpan<char> s)
    {
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiLetter(c)) continue;
            if (i > 0 && (char.IsAsciiDigit(c) || c is '+' or '-' or '.')) continue;
            if (c == ':' && i > 0) start = i + 1;
            break;
        }
        if (s[start..].StartsWith("//"))
        {
            var slash = s[(start + 2)..].IndexOf('/');
            return slash < 0 ? s.Length : start + 2 + slash;
        }
        return start;
    }

    /// <summary>Index of the first '%' not followed by two hex digits (Go's unescape check), or -1.</summary>
    private static int BadEscape(ReadOnlySpan<char> s)
    {
        var offset = 0;
        while (true)
        {
            var i = s[offset..].IndexOf('%');
            if (i < 0) return -1;
            i += offset;
            if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2])) return i;
            offset = i + 3;
        }
    }

    /// <summary>Writes scheme://authority as is, the path as EscapedPath gives it, the query with spaces and non-ASCII encoded.</summary>
    private static void Write(ReadOnlySpan<char> url, int pathStart, int queryMark, int hash, StringBuilder sb)
    {
        var end = hash < 0 ? url.Length : hash;
        var pathEnd = queryMark < 0 ? end : queryMark;
        sb.Append(url[..pathStart]);
        var path = url[pathStart..pathEnd];
        if (path.IndexOfAnyExcept(PathVerbatim) < 0) sb.Append(path);
        else AppendEscapedPath(sb, path);
        if (queryMark < 0) return;
        sb.Append('?');
        var query = url[(queryMark + 1)..end];
        if (query.IndexOfAnyExcept(QueryVerbatim) < 0)
        {
            sb.Append(query);
            return;
        }
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(query.Length));
        var n = Encoding.UTF8.GetBytes(query, bytes);
        foreach (var b in bytes.AsSpan(0, n))
        {
            if (b is > 0x20 and < 0x7f) sb.Append((char)b);
            else sb.Append('%').Append(UpperHex[b >> 4]).Append(UpperHex[b & 0xF]);
        }
        ArrayPool<byte>.Shared.Return(bytes);
    }

    /// <summary>escape(unescape(p, encodePath), encodePath) on the path's UTF-8 bytes (escapes already checked valid).</summary>
    private static void AppendEscapedPath(StringBuilder sb, ReadOnlySpan<char> path)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(path.Length));
        var n = Encoding.UTF8.GetBytes(path, bytes);
        for (var i = 0; i < n; i++)
        {
            var b = bytes[i];
            if (b == '%')
            {
                b = (byte)(HexValue(bytes[i + 1]) << 4 | HexValue(bytes[i + 2]));
                i += 2;
            }
            if (ShouldEscapeInPath(b)) sb.Append('%').Append(UpperHex[b >> 4]).Append(UpperHex[b & 0xF]);
            else sb.Append((char)b);
        }
        ArrayPool<byte>.Shared.Return(bytes);
    }

    /// <summary>Go's shouldEscape(c, encodePath): all but alphanumerics, "-_.~" and "$&amp;+,/:;=@".</summary>
    private static bool ShouldEscapeInPath(byte c) =>
        !(c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~'
            or (byte)'$' or (byte)'&' or (byte)'+' or (byte)',' or (byte)'/' or (byte)':' or (byte)';' or (byte)'=' or (byte)'@');

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>Go's *url.Error text: parse "URL": reason, the URL quoted as strconv.Quote does (so no raw CR/LF).</summary>
    private static GoUrlException Error(string url, Verdict verdict, int hash, int bad)
    {
        // Parse reports the fragment-less URL, except for a bad escape in the fragment (then the whole one).
        var reported = hash >= 0 && !(verdict == Verdict.BadEscape && bad > hash) ? url[..hash] : url;
        var quoted = GoStrconv.Quote(reported);
        var reason = "net/url: invalid control character in URL";
        if (verdict == Verdict.BadEscape)
        {
            // unescape reports at most 3 characters, never past the end of the path (or fragment) it was reading.
            var sectionEnd = bad > hash && hash >= 0 ? url.Length : url.AsSpan(bad).IndexOfAny('?', '#') is var e and >= 0 ? bad + e : url.Length;
            reason = "invalid URL escape " + GoStrconv.Quote(url.Substring(bad, Math.Min(3, sectionEnd - bad)));
        }
        return new GoUrlException($"parse {quoted}: {reason}", quoted);
    }
}
