using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Cuttle.Gateway.Backends.Caching;

/// <summary>
/// One stored response, immutable once built: every requester it answers gets its own <see cref="CachedResponse"/>
/// reading this body, which nothing ever writes again. A revalidation builds a new entry instead of changing this one.
/// </summary>
internal sealed class HttpCacheEntry
{
    private long _size = -1;

    public required string Key { get; init; }

    public required int StatusCode { get; init; }

    /// <summary>The end-to-end header fields as the backend sent them, Age excepted (recomputed on every use).</summary>
    public required KeyValuePair<string, StringValues>[] Headers { get; init; }

    public required byte[] Body { get; init; }

    public string? ContentType { get; init; }

    public string? Location { get; init; }

    /// <summary>The header names of the response's Vary, and the request's values of each (null: absent) when it was stored.</summary>
    public required string[] VaryNames { get; init; }

    public required string?[] VaryValues { get; init; }

    public required Freshness Freshness { get; init; }

    public string? ETag => Get(Headers, "ETag");

    public string? LastModified => Get(Headers, "Last-Modified");

    /// <summary>What it costs against max_size: a status line, each field line and the body, as KrakenD counts a dumped response.</summary>
    public long Size
    {
        get
        {
            if (_size >= 0) return _size;
            long size = 17 + 2 + Body.Length;
            foreach (var (name, values) in Headers)
            {
                for (var i = 0; i < values.Count; i++) size += name.Length + (values[i]?.Length ?? 0) + 4;
            }
            return _size = size; // the same value from any thread: a race only computes it twice
        }
    }

    /// <summary>A field's values joined as one list (the way Vary compares them); null when absent.</summary>
    public static string? Get(KeyValuePair<string, StringValues>[] headers, string name)
    {
        foreach (var (n, v) in headers)
        {
            if (n.Equals(name, StringComparison.OrdinalIgnoreCase)) return v.Count == 1 ? v[0] : v.ToString();
        }
        return null;
    }

    public static StringValues GetAll(KeyValuePair<string, StringValues>[] headers, string name)
    {
        foreach (var (n, v) in headers)
        {
            if (n.Equals(name, StringComparison.OrdinalIgnoreCase)) return v;
        }
        return StringValues.Empty;
    }
}

/// <summary>
/// What RFC 9111 section 4.2 needs to tell whether a stored response is fresh, decided when it is stored:
/// corrected_initial_age (section 4.2.3) and the freshness lifetime (section 4.2.1), measured from response_time.
/// </summary>
internal readonly record struct Freshness(DateTimeOffset ResponseTime, TimeSpan InitialAge, TimeSpan Lifetime, bool NoCache, bool MustRevalidate)
{
    /// <summary>current_age = corrected_initial_age + resident_time.</summary>
    public TimeSpan AgeAt(DateTimeOffset now) => InitialAge + (now > ResponseTime ? now - ResponseTime : TimeSpan.Zero);

    /// <summary>
    /// Section 4.2.1: a shared cache takes s-maxage, then max-age, then Expires minus Date; no explicit lifetime is 0
    /// (no heuristic freshness: such a response is stored only to be revalidated, as krakend-httpcache does). An
    /// Expires that does not parse is in the past. A missing Date is the time the response arrived (RFC 9110 6.6.1).
    /// </summary>
    public static Freshness Compute(KeyValuePair<string, StringValues>[] headers, CacheDirectives response, bool shared,
        DateTimeOffset requestTime, DateTimeOffset responseTime)
    {
        var date = HeaderUtilities.TryParseDate(HttpCacheEntry.Get(headers, "Date"), out var parsedDate) ? parsedDate : responseTime;
        TimeSpan lifetime;
        if (shared && response.SMaxAge is { } sMaxAge) lifetime = sMaxAge;
        else if (response.MaxAge is { } maxAge) lifetime = maxAge;
        else if (HttpCacheEntry.Get(headers, "Expires") is { } expires)
            lifetime = HeaderUtilities.TryParseDate(expires, out var at) && at > date ? at - date : TimeSpan.Zero;
        else lifetime = TimeSpan.Zero;

        // Section 4.2.3: apparent_age, corrected_age_value (Age plus the response delay), the larger of the two.
        var apparentAge = responseTime > date ? responseTime - date : TimeSpan.Zero;
        var ageValue = HttpCacheEntry.Get(headers, "Age") is { } age ? CacheDirectives.Seconds(age.AsSpan().Trim()) : TimeSpan.Zero;
        var delay = responseTime > requestTime ? responseTime - requestTime : TimeSpan.Zero;
        var initialAge = apparentAge > ageValue + delay ? apparentAge : ageValue + delay;
        // must-revalidate (and, for a shared cache, proxy-revalidate and s-maxage) forbids serving it stale.
        var mustRevalidate = response.MustRevalidate || (shared && (response.ProxyRevalidate || response.SMaxAge is not null));
        return new Freshness(responseTime, initialAge, lifetime, response.NoCache, mustRevalidate);
    }
}
