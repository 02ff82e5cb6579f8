using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Backends.Caching;

/// <summary>
/// qos/http-cache for one backend: RFC 9111 in front of each request the backend's transport sends (every redirect
/// hop on its own, as krakend-httpcache sits in Go's http.Client below its redirect loop). <see cref="BackendCaller"/>
/// asks <see cref="Lookup"/> before sending and hands the answer to <see cref="Complete"/>.
/// <list type="bullet">
/// <item>Only GET and HEAD are cached, keyed by the URL (KrakenD: the URL for GET, "HEAD " + URL for HEAD), one stored
/// response per key whose Vary'd request fields must match those of the request as it is sent to the backend. A
/// request with Range or its own validators (If-*) passes by the cache.</item>
/// <item>Stored: a final status RFC 9110 calls heuristically cacheable (200, 203, 204, 300, 301, 308, 404, 405, 410,
/// 414, 501) without no-store (on either side) and not Vary: *; with <see cref="Shared"/> not private either, and an
/// answer to an Authorization request only when public, s-maxage or must-revalidate allows it (section 3.5).</item>
/// <item>Fresh (section 4.2): served without calling the backend. Stale, no-cache or asked for with no-cache: sent
/// again with If-None-Match / If-Modified-Since from the stored ETag / Last-Modified; a 304 refreshes the stored
/// header fields and the stored body answers.</item>
/// <item>A 2xx or 3xx answer to an unsafe method invalidates the URL (section 4.4).</item>
/// </list>
/// </summary>
internal sealed class HttpCache(HttpCacheStore store, bool shared, TimeProvider time)
{
    private static readonly HttpCacheEntry GatewayTimeout = new()
    {
        Key = "",
        StatusCode = 504,
        Headers = [],
        Body = [],
        VaryNames = [],
        VaryValues = [],
        Freshness = default,
    };

    public HttpCacheStore Store => store;

    public bool Shared => shared;

    /// <summary>Looks the request up: <see cref="CacheLookup.Answer"/> when the cache answers by itself.</summary>
    public CacheLookup Lookup(string method, string url, List<KeyValuePair<string, StringValues>>? headers, HashSet<string>? filter)
    {
        var isGet = method == "GET";
        if (!isGet && method != "HEAD")
            return new CacheLookup { Url = url, Unsafe = method is not ("OPTIONS" or "TRACE") };

        var cacheControl = StringValues.Empty;
        var authorization = false;
        if (headers is not null)
        {
            foreach (var (name, values) in headers)
            {
                if (filter is not null && !filter.Contains(name)) continue;
                if (name.Equals("Cache-Control", StringComparison.OrdinalIgnoreCase)) cacheControl = values;
                else if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) authorization = true;
                // A partial or conditional request of the client's own: its answer is not the stored response's.
                else if (name.Equals("Range", StringComparison.OrdinalIgnoreCase) || name.StartsWith("If-", StringComparison.OrdinalIgnoreCase))
                    return new CacheLookup { Url = url };
            }
        }

        var directives = cacheControl.Count == 0 ? default : CacheDirectives.Parse(cacheControl);
        var now = time.GetUtcNow();
        var lookup = new CacheLookup
        {
            Url = url,
            Key = isGet ? url : "HEAD " + url,
            Head = !isGet,
            Request = directives,
            Authorization = authorization,
            RequestTime = now,
            Headers = headers,
            Filter = filter,
        };
        var entry = store.Get(lookup.Key);
        if (entry is not null && VaryMatches(entry, headers, filter))
        {
            var age = entry.Freshness.AgeAt(now);
            if (!directives.NoCache && !entry.Freshness.NoCache && IsFresh(entry.Freshness, age, directives))
                return lookup with { Answer = new CachedResponse(entry, age) };
            if (entry.ETag is not null || entry.LastModified is not null)
                lookup = lookup with { Stale = entry, IfNoneMatch = entry.ETag, IfModifiedSince = entry.LastModified };
        }
        // only-if-cached (section 5.2.1.7): a stored response that may be used, or 504.
        return directives.OnlyIfCached ? lookup with { Answer = new CachedResponse(GatewayTimeout, TimeSpan.Zero) } : lookup;
    }

    /// <summary>Takes the backend's answer to a looked-up request: stores, refreshes or invalidates, and returns what the caller reads.</summary>
    public BackendResponse Complete(in CacheLookup lookup, BackendResponse response)
    {
        var status = response.StatusCode;
        if (lookup.Key is not { } key)
        {
            if (lookup.Unsafe && status is >= 200 and < 400)
            {
                store.Remove(lookup.Url);
                store.Remove("HEAD " + lookup.Url);
            }
            return response;
        }
        var now = time.GetUtcNow();
        if (lookup.Stale is { } stale && status == 304)
        {
            var refreshed = Refresh(stale, response, lookup.RequestTime, now, out var storable);
            response.Dispose();
            if (storable) store.Set(refreshed);
            else store.Remove(key);
            return new CachedResponse(refreshed, refreshed.Freshness.AgeAt(now));
        }
        if (!IsCacheableStatus(status) || lookup.Request.NoStore)
        {
            store.Remove(key);
            return response;
        }

        IHeaderDictionary fields = new HeaderDictionary();
        response.CopyHeadersTo(fields);
        var directives = CacheDirectives.Parse(fields.CacheControl);
        if (!MayStore(directives, lookup.Authorization) || VaryNames(fields.Vary) is not { } varyNames)
        {
            store.Remove(key);
            return response;
        }
        var all = ToArray(fields, skipAge: false);
        var varyValues = new string?[varyNames.Length];
        for (var i = 0; i < varyNames.Length; i++) varyValues[i] = RequestValue(lookup.Headers, lookup.Filter, varyNames[i]);
        var pending = new HttpCacheEntry
        {
            Key = key,
            StatusCode = status,
            Headers = ToArray(fields, skipAge: true),
            Body = [],
            ContentType = response.ContentType,
            Location = response.Location,
            VaryNames = varyNames,
            VaryValues = varyValues,
            Freshness = Freshness.Compute(all, directives, shared, lookup.RequestTime, now),
        };
        if (lookup.Head)
        {
            // HEAD: nothing to read, stored now.
            store.Set(pending);
            return response;
        }
        return new RecordingResponse(response, this, pending, store.MaxSize - pending.Size);
    }

    /// <summary>Called by <see cref="RecordingResponse"/> once the whole body arrived.</summary>
    internal void Commit(HttpCacheEntry entry) => store.Set(entry);

    private bool MayStore(CacheDirectives d, bool authorization)
    {
        if (d.NoStore) return false;
        if (!shared) return true;
        if (d.Private) return false;
        return !authorization || d.Public || d.SMaxAge is not null || d.MustRevalidate;
    }

    /// <summary>Section 4.2: fresh, and within what the request's max-age, min-fresh and max-stale allow.</summary>
    internal static bool IsFresh(Freshness f, TimeSpan age, CacheDirectives request)
    {
        if (request.MaxAge is { } maxAge && age > maxAge) return false;
        if (request.MinFresh is { } minFresh && f.Lifetime - age < minFresh) return false;
        if (f.Lifetime > age) return true;
        if (request.MaxStale is { } maxStale && !f.MustRevalidate)
            return maxStale == TimeSpan.MaxValue || age - f.Lifetime <= maxStale;
        return false;
    }

    private static bool IsCacheableStatus(int status) => status is 200 or 203 or 204 or 300 or 301 or 308 or 404 or 405 or 410 or 414 or 501;

    private static bool VaryMatches(HttpCacheEntry entry, List<KeyValuePair<string, StringValues>>? headers, HashSet<string>? filter)
    {
        var names = entry.VaryNames;
        for (var i = 0; i < names.Length; i++)
        {
            if (!string.Equals(RequestValue(headers, filter, names[i]), entry.VaryValues[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <summary>The request's field as sent to the backend (after input_headers); several lines joined; null when absent.</summary>
    private static string? RequestValue(List<KeyValuePair<string, StringValues>>? headers, HashSet<string>? filter, string name)
    {
        if (headers is null) return null;
        foreach (var (n, v) in headers)
        {
            if (!n.Equals(name, StringComparison.OrdinalIgnoreCase) || (filter is not null && !filter.Contains(n))) continue;
            return v.Count == 1 ? v[0] : v.ToString();
        }
        return null;
    }

    /// <summary>The field names of Vary; null for "*", which no request matches (section 4.1).</summary>
    private static string[]? VaryNames(StringValues vary)
    {
        if (vary.Count == 0) return [];
        var names = new List<string>();
        foreach (var line in vary)
        {
            foreach (var part in (line ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (part == "*") return null;
                names.Add(part);
            }
        }
        return [.. names];
    }

    private static KeyValuePair<string, StringValues>[] ToArray(IHeaderDictionary fields, bool skipAge)
    {
        var array = new List<KeyValuePair<string, StringValues>>(fields.Count);
        foreach (var field in fields)
        {
            if (skipAge && field.Key.Equals("Age", StringComparison.OrdinalIgnoreCase)) continue;
            array.Add(field);
        }
        return [.. array];
    }

    /// <summary>
    /// Section 4.3.4: the stored response with the 304's header fields in place of its own (Content-Length excepted),
    /// fresh again from now; <paramref name="storable"/> false when the 304 forbids storing it.
    /// </summary>
    private HttpCacheEntry Refresh(HttpCacheEntry stale, BackendResponse notModified, DateTimeOffset requestTime, DateTimeOffset now, out bool storable)
    {
        IHeaderDictionary fields = new HeaderDictionary();
        foreach (var (name, values) in stale.Headers) fields[name] = values;
        IHeaderDictionary update = new HeaderDictionary();
        notModified.CopyHeadersTo(update);
        fields.Remove("Age");
        foreach (var (name, values) in update)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            fields[name] = values;
        }
        var directives = CacheDirectives.Parse(fields.CacheControl);
        storable = !directives.NoStore && !(shared && directives.Private);
        return new HttpCacheEntry
        {
            Key = stale.Key,
            StatusCode = stale.StatusCode,
            Headers = ToArray(fields, skipAge: true),
            Body = stale.Body,
            ContentType = stale.ContentType,
            Location = stale.Location,
            VaryNames = stale.VaryNames,
            VaryValues = stale.VaryValues,
            Freshness = Freshness.Compute(ToArray(fields, skipAge: false), directives, shared, requestTime, now),
        };
    }
}

/// <summary>What <see cref="HttpCache.Lookup"/> found, carried to <see cref="HttpCache.Complete"/>.</summary>
internal readonly record struct CacheLookup
{
    public required string Url { get; init; }

    /// <summary>The store key; null when the request passes by the cache.</summary>
    public string? Key { get; init; }

    /// <summary>The cache's own answer (fresh, or only-if-cached's 504): the backend is not called.</summary>
    public BackendResponse? Answer { get; init; }

    /// <summary>A stored response to revalidate with <see cref="IfNoneMatch"/> / <see cref="IfModifiedSince"/>.</summary>
    public HttpCacheEntry? Stale { get; init; }

    public string? IfNoneMatch { get; init; }

    public string? IfModifiedSince { get; init; }

    public bool Unsafe { get; init; }

    public bool Head { get; init; }

    public CacheDirectives Request { get; init; }

    public bool Authorization { get; init; }

    public DateTimeOffset RequestTime { get; init; }

    public List<KeyValuePair<string, StringValues>>? Headers { get; init; }

    public HashSet<string>? Filter { get; init; }
}
