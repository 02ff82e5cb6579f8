using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Backends.Caching;

/// <summary>
/// The Cache-Control directives RFC 9111 section 5.2 gives a cache, parsed from every field line of the header.
/// Names are case-insensitive; a value may be quoted. A delta-seconds that does not parse counts as 0 (the response
/// is stale, the safe reading); one too large for an int is 2147483648 seconds, as section 1.2.2 says.
/// </summary>
internal readonly record struct CacheDirectives
{
    public bool NoStore { get; init; }
    public bool NoCache { get; init; }
    public bool Private { get; init; }
    public bool Public { get; init; }
    public bool MustRevalidate { get; init; }
    public bool ProxyRevalidate { get; init; }
    public bool OnlyIfCached { get; init; }
    public TimeSpan? MaxAge { get; init; }
    public TimeSpan? SMaxAge { get; init; }
    public TimeSpan? MinFresh { get; init; }

    /// <summary>max-stale: null when absent, <see cref="TimeSpan.MaxValue"/> when given without a value (any staleness).</summary>
    public TimeSpan? MaxStale { get; init; }

    public static CacheDirectives Parse(StringValues values)
    {
        var d = default(CacheDirectives);
        for (var i = 0; i < values.Count; i++)
        {
            var line = values[i].AsSpan();
            while (!line.IsEmpty)
            {
                var comma = IndexOfUnquotedComma(line);
                var part = (comma < 0 ? line : line[..comma]).Trim();
                line = comma < 0 ? default : line[(comma + 1)..];
                if (part.IsEmpty) continue;
                var eq = part.IndexOf('=');
                var name = (eq < 0 ? part : part[..eq]).Trim();
                var value = eq < 0 ? default : part[(eq + 1)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
                d = Apply(d, name, value, eq >= 0);
            }
        }
        return d;
    }

    private static CacheDirectives Apply(CacheDirectives d, ReadOnlySpan<char> name, ReadOnlySpan<char> value, bool hasValue)
    {
        if (Is(name, "no-store")) return d with { NoStore = true };
        // no-cache="field" and private="field" may be read as the unqualified forms (sections 5.2.2.4, 5.2.2.7).
        if (Is(name, "no-cache")) return d with { NoCache = true };
        if (Is(name, "private")) return d with { Private = true };
        if (Is(name, "public")) return d with { Public = true };
        if (Is(name, "must-revalidate")) return d with { MustRevalidate = true };
        if (Is(name, "proxy-revalidate")) return d with { ProxyRevalidate = true };
        if (Is(name, "only-if-cached")) return d with { OnlyIfCached = true };
        // The first occurrence of a repeated directive wins (section 4.2.1 allows it).
        if (Is(name, "max-age")) return d.MaxAge is null ? d with { MaxAge = Seconds(value) } : d;
        if (Is(name, "s-maxage")) return d.SMaxAge is null ? d with { SMaxAge = Seconds(value) } : d;
        if (Is(name, "min-fresh")) return d.MinFresh is null ? d with { MinFresh = Seconds(value) } : d;
        if (Is(name, "max-stale")) return d.MaxStale is null ? d with { MaxStale = hasValue ? Seconds(value) : TimeSpan.MaxValue } : d;
        return d;
    }

    private static bool Is(ReadOnlySpan<char> name, string directive) => name.Equals(directive, StringComparison.OrdinalIgnoreCase);

    /// <summary>delta-seconds (RFC 9111 section 1.2.2): digits only.</summary>
    internal static TimeSpan Seconds(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty) return TimeSpan.Zero;
        long seconds = 0;
        foreach (var c in value)
        {
            if (c is < '0' or > '9') return TimeSpan.Zero;
            seconds = Math.Min((seconds * 10) + (c - '0'), 2147483648L);
        }
        return TimeSpan.FromSeconds(seconds);
    }

    private static int IndexOfUnquotedComma(ReadOnlySpan<char> s)
    {
        var quoted = false;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '"') quoted = !quoted;
            else if (s[i] == ',' && !quoted) return i;
        }
        return -1;
    }
}
