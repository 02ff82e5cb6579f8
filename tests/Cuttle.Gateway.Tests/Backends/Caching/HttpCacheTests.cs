using System.Net;
using System.Text;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Backends.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Backends.Caching;

/// <summary>RFC 9111 rules of qos/http-cache on a fake clock, the backend a function that counts its calls.</summary>
public sealed class HttpCacheTests
{
    private const string Url = "http://backend.test/a";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The backend: answers each call with <see cref="Answer"/>, given the conditional fields it was sent.</summary>
    private sealed class Origin(Func<Origin.Call, HttpResponseMessage> answer)
    {
        public sealed record Call(string? IfNoneMatch, string? IfModifiedSince);

        public List<Call> Calls { get; } = [];

        public HttpResponseMessage Answer(Call call)
        {
            Calls.Add(call);
            return answer(call);
        }
    }

    private HttpCache Cache(bool shared = false, long maxItems = 100, long maxSize = 1 << 20) =>
        new(new HttpCacheStore(maxItems, maxSize), shared, _time);

    private HttpResponseMessage Ok(string body, params (string Name, string Value)[] headers)
    {
        var m = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        m.Headers.Date = _time.GetUtcNow();
        foreach (var (name, value) in headers)
        {
            if (!m.Headers.TryAddWithoutValidation(name, value)) m.Content.Headers.TryAddWithoutValidation(name, value);
        }
        return m;
    }

    /// <summary>One backend call as BackendCaller makes it: look up, call the origin unless answered, complete, read to the end.</summary>
    private static async Task<(int Status, string Body, IHeaderDictionary Headers)> Get(HttpCache cache, Origin origin, string url = Url,
        string method = "GET", params (string Name, string Value)[] requestHeaders)
    {
        var headers = new List<KeyValuePair<string, StringValues>>();
        foreach (var (name, value) in requestHeaders) headers.Add(new(name, value));
        var lookup = cache.Lookup(method, url, headers, filter: null);
        var response = lookup.Answer
            ?? cache.Complete(lookup, new MessageResponse(origin.Answer(new Origin.Call(lookup.IfNoneMatch, lookup.IfModifiedSince))));
        using (response)
        {
            var body = new MemoryStream();
            var buffer = new byte[3]; // small reads: the recording must assemble the body from several
            int n;
            while ((n = await response.ReadAsync(buffer, CancellationToken.None)) > 0) body.Write(buffer, 0, n);
            IHeaderDictionary fields = new HeaderDictionary();
            response.CopyHeadersTo(fields);
            return (response.StatusCode, Encoding.UTF8.GetString(body.ToArray()), fields);
        }
    }

    [Fact]
    public async Task MaxAge_ServesFromTheCacheUntilItExpires()
    {
        var cache = Cache();
        var version = 0;
        var origin = new Origin(_ => Ok($"v{++version}", ("Cache-Control", "max-age=60")));

        Assert.Equal("v1", (await Get(cache, origin)).Body);
        _time.Advance(TimeSpan.FromSeconds(59));
        var hit = await Get(cache, origin);
        Assert.Equal((200, "v1"), (hit.Status, hit.Body));
        Assert.Equal("59", hit.Headers["Age"]);
        Assert.Equal("application/json; charset=utf-8", hit.Headers.ContentType);
        Assert.Single(origin.Calls);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("v2", (await Get(cache, origin)).Body);
        Assert.Equal(2, origin.Calls.Count);
    }

    [Fact]
    public async Task Expires_IsTheLifetimeFromDate_AndOneThatDoesNotParseIsInThePast()
    {
        var cache = Cache();
        var origin = new Origin(_ => Ok("x", ("Expires", _time.GetUtcNow().AddSeconds(30).ToString("r"))));
        await Get(cache, origin);
        _time.Advance(TimeSpan.FromSeconds(29));
        await Get(cache, origin);
        Assert.Single(origin.Calls);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Get(cache, origin);
        Assert.Equal(2, origin.Calls.Count);

        var invalid = new Origin(_ => Ok("x", ("Expires", "0")));
        await Get(cache, invalid, Url + "?b");
        await Get(cache, invalid, Url + "?b");
        Assert.Equal(2, invalid.Calls.Count);
    }

    [Fact]
    public async Task MaxAge_WinsOverExpires()
    {
        var cache = Cache();
        var origin = new Origin(_ => Ok("x", ("Cache-Control", "max-age=10"), ("Expires", _time.GetUtcNow().AddHours(1).ToString("r"))));
        await Get(cache, origin);
        _time.Advance(TimeSpan.FromSeconds(11));
        await Get(cache, origin);
        Assert.Equal(2, origin.Calls.Count);
    }

    [Fact]
    public async Task Age_FromTheBackend_CountsAgainstTheLifetime()
    {
        var cache = Cache();
        var origin = new Origin(_ => Ok("x", ("Cache-Control", "max-age=60"), ("Age", "50")));
        await Get(cache, origin);
        _time.Advance(TimeSpan.FromSeconds(9));
        var hit = await Get(cache, origin);
        Assert.Equal("59", hit.Headers["Age"]);
        Assert.Single(origin.Calls);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Get(cache, origin);
        Assert.Equal(2, origin.Calls.Count);
    }

    [Fact]
    public async Task NoStore_IsNeverStored_OnEitherSide()
    {
        var cache = Cache();
        var origin = new Origin(_ => Ok("x", ("Cache-Control", "max-age=60, no-store")));
        await Get(cache, origin);
        await Get(cache, origin);
        Assert.Equal(2, origin.Calls.Count);
        Assert.Equal(0, cache.Store.Count);

        var fresh = new Origin(_ => Ok("x", ("Cache-Control", "max-age=60")));
        await Get(cache, fresh, requestHeaders: ("Cache-Control", "no-store"));
        await Get(cache, fresh);
        Assert.Equal(2, fresh.Calls.Count);
        await Get(cache, fresh); // the answer to a request without no-store was stored
        Assert.Equal(2, fresh.Calls.Count);
    }

    [Fact]
    public async Task NoCache_IsStoredButRevalidatedOnEveryUse()
    {
        var cache = Cache();
        var origin = new Origin(c => c.IfNoneMatch == "\"v1\""
            ? new HttpResponseMessage(HttpStatusCode.NotModified) { Headers = { { "ETag", "\"v1\"" } } }
            : Ok("body", ("Cache-Control", "no-cache, max-age=600"), ("ETag", "\"v1\"")));

        await Get(cache, origin);
        var second = await Get(cache, origin);

        Assert.Equal((200, "body"), (second.Status, second.Body));
        Assert.Equal([new Origin.Call(null, null), new Origin.Call("\"v1\"", null)], origin.Calls);
    }

    [Fact]
    public async Task Private_IsStoredByAPrivateCache_NotByASharedOne()
    {
        var origin = new Origin(_ => Ok("mine", ("Cache-Control", "private, max-age=60")));
        var privateCache = Cache(shared: false);
        await Get(privateCache, origin);
        await Get(privateCache, origin);
        Assert.Single(origin.Calls);

        var sharedCache = Cache(shared: true);
        await Get(sharedCache, origin);
        await Get(sharedCache, origin);
        Assert.Equal(3, origin.Calls.Count);
        Assert.Equal(0, sharedCache.Store.Count);
    }

    [Fact]
    public async Task SMaxAge_IsTheSharedCachesLifetime_AndIgnoredByAPrivateOne()
    {
        var origin = new Origin(_ => Ok("x", ("Cache-Control", "max-age=1, s-maxage=60")));
        var shared = Cache(shared: true);
        var own = Cache(shared: false);
        await Get(shared, origin);
        await Get(own, origin);
        _time.Advance(TimeSpan.FromSeconds(30));
        await Get(shared, origin);
        Assert.Equal(2, origin.Calls.Count);
        await Get(own, origin);
        Assert.Equal(3, origin.Calls.Count);
    }

    [Fact]
    public async Task Shared_AnAuthorizedRequestsAnswer_IsStoredOnlyWhenTheResponseAllowsIt()
    {
        var cache = Cache(shared: true);
        var plain = new Origin(_ => Ok("x", ("Cache-Control", "max-age=60")));
        await Get(cache, plain, requestHeaders: ("Authorization", "Bearer a"));
        await Get(cache, plain, requestHeaders: ("Authorization", "Bearer a"));
        Assert.Equal(2, plain.Calls.Count);

        var open = new Origin(_ => Ok("x", ("Cache-Control", "public, max-age=60")));
        await Get(cache, open, Url + "?p", requestHeaders: ("Authorization", "Bearer a"));
        await Get(cache, open, Url + "?p", requestHeaders: ("Authorization", "Bearer a"));
        Assert.Single(open.Calls);
    }

    [Fact]
    public async Task Vary_AStoredResponseAnswersOnlyARequestWithTheSameValues()
    {
        var cache = Cache();
        var origin = new Origin(_ => Ok("x", ("Cache-Control", "max-age=60"), ("Vary", "Accept-Language")));

        await Get(cache, origin, requestHeaders: ("Accept-Language", "en"));
        await Get(cache, origin, requestHeaders: ("Accept-Language", "en"));
        Assert.Single(origin.Calls);
        await Get(cache, origin, requestHeaders: ("Accept-Language", "fr"));
        Assert.Equal(2, origin.Calls.Count);
        await Get(cache, origin);
        Assert.Equal(3, origin.Calls.Count);
        // The last response stored (no Accept-Language) answers a request without one.
        await Get(cache, origin);
        Assert.Equal(3, origin.Calls.Count);

        var star = new Origin(_ => Ok("x", ("Cache-Control", "max-age=60"), ("Vary", "*")));
        await Get(cache, star, Url + "?s");
        await Get(cache, star, Url + "?s");
        Assert.Equal(2, star.Calls.Count);
    }

    [Fact]
    public async Task Revalidation_SendsTheValidators_AndA304IsAnsweredWithTheStoredBody()
    {
        var cache = Cache();
        var lastModified = _time.GetUtcNow().AddDays(-1).ToString("r");
        var origin = new Origin(c => c.IfNoneMatch is null
            ? Ok("stored body", ("Cache-Control", "max-age=10"), ("ETag", "\"v1\""), ("Last-Modified", lastModified), ("X-Version", "1"))
            : new HttpResponseMessage(HttpStatusCode.NotModified) { Headers = { { "Cache-Control", "max-age=10" }, { "X-Version", "2" }, { "Date", _time.GetUtcNow().ToString("r") } } });

        await Get(cache, origin);
        _time.Advance(TimeSpan.FromSeconds(11));
        var revalidated = await Get(cache, origin);

        Assert.Equal((200, "stored body"), (revalidated.Status, revalidated.Body));
        Assert.Equal("2", revalidated.Headers["X-Version"]); // the 304's fields replace the stored ones
        Assert.Equal(new Origin.Call("\"v1\"", lastModified), origin.Calls[1]);

        // Fresh again for the 304's max-age.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("stored body", (await Get(cache, origin)).Body);
        Assert.Equal(2, origin.Calls.Count);
    }

    [Fact]
    public async Task Revalidation_ANewFullAnswerReplacesTheStoredOne()
    {
        var cache = Cache();
        var version = 0;
        var origin = new Origin(_ => Ok($"v{++version}", ("Cache-Control", "max-age=10"), ("ETag", $"\"{version + 1}\"")));
        await Get(cache, origin);
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal("v2", (await Get(cache, origin)).Body);
        Assert.Equal("v2", (await Get(cache, origin)).Body);
        Assert.Equal(2, origin.Calls.Count);
    }

    [Fact]
    public async Task OnlyCacheableStatusesAndMethods_AreStored_AndAnUnsafeMethodInvalidates()
    {
        var cache = Cache();
        var error = new Origin(_ => new HttpResponseMessage(HttpStatusCode.InternalServerError) { Headers = { { "Cache-Control", "max-age=60" } } });
        await Get(cache, error);
        await Get(cache, error);
        Assert.Equal(2, error.Calls.Count);

        var notFound = new Origin(_ => new HttpResponseMessage(HttpStatusCode.NotFound) { Headers = { { "Cache-Control", "max-age=60" } } });
        await Get(cache, notFound, Url + "?nf");
        await Get(cache, notFound, Url + "?nf");
        Assert.Single(notFound.Calls);

        var ok = new Origin(_ => Ok("x", ("Cache-Control", "max-age=60")));
        await Get(cache, ok, method: "POST");
        await Get(cache, ok, method: "POST");
        Assert.Equal(2, ok.Calls.Count);
        await Get(cache, ok);
        await Get(cache, ok);
        Assert.Equal(3, ok.Calls.Count);
        await Get(cache, ok, method: "DELETE"); // 2xx to an unsafe method: the stored GET goes
        await Get(cache, ok);
        Assert.Equal(5, ok.Calls.Count);
    }

    [Fact]
    public async Task RangeAndClientValidators_PassByTheCache()
    {
        var cache = Cache();
        var origin = new Origin(_ => Ok("x", ("Cache-Control", "max-age=60")));
        await Get(cache, origin, requestHeaders: ("Range", "bytes=0-1"));
        await Get(cache, origin, requestHeaders: ("If-None-Match", "\"a\""));
        Assert.Equal(0, cache.Store.Count);
        await Get(cache, origin);
        await Get(cache, origin, requestHeaders: ("If-None-Match", "\"a\""));
        Assert.Equal(4, origin.Calls.Count);
        await Get(cache, origin); // the plain request's answer stayed stored
        Assert.Equal(4, origin.Calls.Count);
    }

    [Fact]
    public async Task RequestDirectives_MaxAgeAndNoCacheAskForTheBackend_OnlyIfCachedMissIs504()
    {
        var cache = Cache();
        var origin = new Origin(_ => Ok("x", ("Cache-Control", "max-age=60")));
        Assert.Equal(504, (await Get(cache, origin, requestHeaders: ("Cache-Control", "only-if-cached"))).Status);
        Assert.Empty(origin.Calls);
        await Get(cache, origin);
        _time.Advance(TimeSpan.FromSeconds(20));
        await Get(cache, origin, requestHeaders: ("Cache-Control", "max-age=10"));
        Assert.Equal(2, origin.Calls.Count);
        await Get(cache, origin, requestHeaders: ("Cache-Control", "no-cache"));
        Assert.Equal(3, origin.Calls.Count);
        Assert.Equal(200, (await Get(cache, origin, requestHeaders: ("Cache-Control", "only-if-cached"))).Status);
        Assert.Equal(3, origin.Calls.Count);
    }

    [Fact]
    public async Task Lru_ByItems_EvictsTheLeastRecentlyUsed()
    {
        var cache = Cache(maxItems: 2);
        var origin = new Origin(_ => Ok("x", ("Cache-Control", "max-age=600")));
        await Get(cache, origin, Url + "?1");
        await Get(cache, origin, Url + "?2");
        await Get(cache, origin, Url + "?1"); // ?1 is now the most recently used
        await Get(cache, origin, Url + "?3"); // evicts ?2
        Assert.Equal(3, origin.Calls.Count);
        Assert.Equal(2, cache.Store.Count);

        await Get(cache, origin, Url + "?1");
        await Get(cache, origin, Url + "?3");
        Assert.Equal(3, origin.Calls.Count);
        await Get(cache, origin, Url + "?2");
        Assert.Equal(4, origin.Calls.Count);
    }

    [Fact]
    public async Task Lru_BySize_EvictsUntilTheBytesFit_AndABodyLargerThanTheStoreIsNotKept()
    {
        var body = new string('b', 400);
        var origin = new Origin(_ => Ok(body, ("Cache-Control", "max-age=600")));
        var probe = Cache();
        await Get(probe, origin, Url + "?probe");
        var entrySize = probe.Store.Size; // one entry, head and body
        Assert.InRange(entrySize, 400, 1000);

        var cache = Cache(maxItems: 100, maxSize: (entrySize * 2) + 10);
        await Get(cache, origin, Url + "?1");
        await Get(cache, origin, Url + "?2");
        Assert.Equal(2, cache.Store.Count);
        await Get(cache, origin, Url + "?3");
        Assert.Equal(2, cache.Store.Count);
        Assert.True(cache.Store.Size <= cache.Store.MaxSize);
        await Get(cache, origin, Url + "?1"); // evicted first
        Assert.Equal(5, origin.Calls.Count);

        var small = Cache(maxSize: 300);
        await Get(small, origin);
        await Get(small, origin);
        Assert.Equal(0, small.Store.Count);
        Assert.Equal(7, origin.Calls.Count);
    }

    [Fact]
    public async Task ABodyNotReadToItsEnd_IsNotStored()
    {
        var cache = Cache();
        var origin = new Origin(_ => Ok("a longer body", ("Cache-Control", "max-age=600")));
        var lookup = cache.Lookup("GET", Url, [], null);
        using (var response = cache.Complete(lookup, new MessageResponse(origin.Answer(new Origin.Call(null, null)))))
        {
            await response.ReadAsync(new byte[4], CancellationToken.None);
        }
        Assert.Equal(0, cache.Store.Count);
        await Get(cache, origin); // read to its end, the same answer is stored
        Assert.Equal(1, cache.Store.Count);
    }

    [Fact]
    public async Task StoredResponses_AreReplayedToEachReaderIndependently()
    {
        var cache = Cache();
        var origin = new Origin(_ => Ok("0123456789", ("Cache-Control", "max-age=600")));
        await Get(cache, origin);
        using var first = cache.Lookup("GET", Url, [], null).Answer!;
        using var second = cache.Lookup("GET", Url, [], null).Answer!;
        var a = new byte[4];
        var b = new byte[10];
        Assert.Equal(4, await first.ReadAsync(a, CancellationToken.None));
        Assert.Equal(10, await second.ReadAsync(b, CancellationToken.None));
        a[0] = (byte)'X'; // a reader's buffer is its own
        Assert.Equal(4, await first.ReadAsync(a, CancellationToken.None));
        Assert.Equal("4567", Encoding.ASCII.GetString(a));
        Assert.Equal("0123456789", Encoding.ASCII.GetString(b));
        Assert.Equal("0123456789", (await Get(cache, origin)).Body);
    }

    [Fact]
    public async Task ConcurrentMisses_ForOneKey_AllAnswerAndLeaveOneEntry()
    {
        var cache = Cache();
        var calls = 0;
        var tasks = new Task<(int, string, IHeaderDictionary)>[16];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = Task.Run(async () =>
            {
                var lookup = cache.Lookup("GET", Url, [], null);
                if (lookup.Answer is { } hit) return (hit.StatusCode, "hit", (IHeaderDictionary)new HeaderDictionary());
                Interlocked.Increment(ref calls);
                var message = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(new string('z', 5000)) };
                message.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { MaxAge = TimeSpan.FromMinutes(1) };
                using var response = cache.Complete(lookup, new MessageResponse(message));
                var buffer = new byte[700];
                var total = 0;
                int n;
                while ((n = await response.ReadAsync(buffer, CancellationToken.None)) > 0) total += n;
                return (response.StatusCode, total.ToString(System.Globalization.CultureInfo.InvariantCulture), (IHeaderDictionary)new HeaderDictionary());
            });
        }
        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.True(r.Item2 is "5000" or "hit"));
        Assert.Equal(1, cache.Store.Count);
        Assert.Equal(5000, cache.Lookup("GET", Url, [], null).Answer!.ContentLength);
        Assert.InRange(calls, 1, 16);
    }
}
