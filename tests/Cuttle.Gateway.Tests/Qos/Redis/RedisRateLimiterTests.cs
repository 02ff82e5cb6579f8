using System.Diagnostics;
using Cuttle.Config.Model;
using Cuttle.Gateway.Qos;
using Cuttle.Gateway.Qos.Redis;
using Cuttle.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Cuttle.Gateway.Tests.Qos.Redis;

/// <summary>
/// The shared rate limit against a real redis-server (started per test on a free port, killed after). Each
/// <see cref="RedisConnectionCache"/> stands for one gateway process: its own multiplexer, breaker and local buckets.
/// Runs alone: a Redis call that outlives its 100 ms timeout takes a local token by design, and with other test classes
/// running beside it on a two-core machine that happened (one local take in a thousand calls) and failed the
/// three-replica test's "nobody fell back" check.
/// </summary>
[Collection(nameof(ProcessWideMeasurements))]
public sealed class RedisRateLimiterTests : IDisposable
{
    private readonly RedisServer _redis = RedisServer.StartNew();
    private readonly List<IDisposable> _owned = [];
    private readonly ITestOutputHelper _output;

    public RedisRateLimiterTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        foreach (var d in _owned)
            d.Dispose();
        _redis.Dispose();
    }

    private static RedisConnectionOptions Pool(string address) => new() { Name = "shared", Addresses = [address] };

    /// <summary>One "gateway process": its own cache, connection set and limiter for the endpoint.</summary>
    /// <remarks>
    /// The call timeout is a second rather than the default 100 ms, so that a pause of this shared test machine does
    /// not open the breaker in a test about something else; the outage test uses the default.
    /// </remarks>
    private (RedisRateLimiter Limiter, RedisConnection Connection) Replica(RedisRateLimitOptions options, ListLogger? logger = null,
        string endpoint = "GET /limited", TimeSpan? callTimeout = null)
    {
        var cache = new RedisConnectionCache { CallTimeout = callTimeout ?? TimeSpan.FromSeconds(1) };
        var set = new RedisConnectionSet(cache, TimeProvider.System, logger ?? new ListLogger());
        _owned.Add(set);
        var connection = set.Get(options.Connection);
        return (new RedisRateLimiter(options, endpoint, connection, TimeProvider.System), connection);
    }

    private RedisRateLimitOptions Limit(double maxRate = 0, long capacity = 0, double clientMaxRate = 0, long clientCapacity = 0, bool allow = false, string? address = null) => new()
    {
        Connection = Pool(address ?? _redis.Address),
        MaxRate = maxRate,
        Capacity = capacity,
        ClientMaxRate = clientMaxRate,
        ClientCapacity = clientCapacity,
        OnFailureAllow = allow,
    };

    /// <summary>Waits until the connection has connected (a take reached Redis), at most 5 seconds.</summary>
    private static async Task WaitConnectedAsync(RedisConnection connection)
    {
        var sw = Stopwatch.StartNew();
        while (connection.RedisCalls == 0 && sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (connection.Begin(out var probe) is { } db)
            {
                try
                {
                    await db.PingAsync();
                    connection.MarkSucceeded(probe);
                    return;
                }
                catch (StackExchange.Redis.RedisException)
                {
                    connection.MarkFailed(probe, "ping");
                }
            }
            await Task.Delay(20);
        }
        Assert.Fail("the connection to redis-server was not up within 5 s");
    }

    private static async Task<int> TakeAsync(ISharedRateLimit limit, int n, string? client = null)
    {
        var admitted = 0;
        for (var i = 0; i < n; i++)
        {
            if ((await limit.TryTakeAsync(client)).Verdict == SharedVerdict.Admitted)
                admitted++;
        }
        return admitted;
    }

    [SkippableFact]
    public async Task Bucket_StartsFull_AdmitsItsCapacity_ThenRefuses()
    {
        // One token per 1000 s: nothing refills during the test.
        var (limiter, connection) = Replica(Limit(maxRate: 0.001, capacity: 5));
        await WaitConnectedAsync(connection);

        Assert.Equal(5, await TakeAsync(limiter, 8));
        Assert.NotEqual(SharedVerdict.Admitted, (await limiter.TryTakeAsync(null)).Verdict);
        Assert.Equal(0, connection.LocalTakes);
        Assert.Equal(9, connection.RedisCalls - 1);

        // The bucket is a hash with a TTL of a full refill (5 / 0.001 s) plus a second.
        var ttl = long.Parse(_redis.Command("PTTL", limiter.KeyPrefix)[1..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 5_000_000 - 60_000, 5_001_000);
    }

    [SkippableFact]
    public async Task Bucket_RefillsByElapsedTime_UpToItsCapacity()
    {
        // 20 tokens a second, capacity 2: 150 ms refill 3 tokens, capped at 2.
        var (limiter, connection) = Replica(Limit(maxRate: 20, capacity: 2));
        await WaitConnectedAsync(connection);

        Assert.Equal(2, await TakeAsync(limiter, 3));
        await Task.Delay(150);
        Assert.Equal(2, await TakeAsync(limiter, 3));
        await Task.Delay(60); // about one token
        Assert.InRange(await TakeAsync(limiter, 3), 1, 2);
    }

    [SkippableFact]
    public async Task ClientBuckets_AreSeparate_AndTheEndpointBucketCapsThemAll()
    {
        var (limiter, connection) = Replica(Limit(maxRate: 0.001, capacity: 3, clientMaxRate: 0.001, clientCapacity: 2));
        await WaitConnectedAsync(connection);

        Assert.Equal(2, await TakeAsync(limiter, 3, "alice")); // alice's bucket: 2; endpoint left: 1
        Assert.Equal(1, await TakeAsync(limiter, 3, "bob"));   // bob's first token, then the endpoint is empty
        Assert.NotEqual(SharedVerdict.Admitted, (await limiter.TryTakeAsync(null)).Verdict);          // no client recognised: only the endpoint bucket
        Assert.Equal("1", _redis.Command("EXISTS", limiter.KeyPrefix + ":alice")[1..]);

        var (clientsOnly, c2) = Replica(Limit(clientMaxRate: 0.001, clientCapacity: 2), endpoint: "GET /clients");
        await WaitConnectedAsync(c2);
        Assert.Equal(2, await TakeAsync(clientsOnly, 3, "alice"));
        Assert.Equal(2, await TakeAsync(clientsOnly, 3, "bob"));
        Assert.Equal(SharedVerdict.Admitted, (await clientsOnly.TryTakeAsync(null)).Verdict); // no endpoint rate and no client: nothing to limit
        Assert.Equal(0, c2.LocalTakes);
    }

    [SkippableFact]
    public async Task ThreeReplicas_ShareOneLimit()
    {
        // 100 tokens a second, capacity 20, three independent connections hammering the same endpoint for ~1 s.
        const double rate = 100;
        const long capacity = 20;
        var replicas = Enumerable.Range(0, 3).Select(_ => Replica(Limit(maxRate: rate, capacity: capacity))).ToArray();
        foreach (var (_, c) in replicas)
            await WaitConnectedAsync(c);

        var total = 0;
        var calls = 0;
        var sw = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(1);
        await Task.WhenAll(replicas.SelectMany(r => Enumerable.Range(0, 4).Select(async _ =>
        {
            while (sw.Elapsed < duration)
            {
                var ok = (await r.Limiter.TryTakeAsync(null)).Verdict == SharedVerdict.Admitted;
                Interlocked.Increment(ref calls);
                if (ok)
                    Interlocked.Increment(ref total);
            }
        })));
        var elapsed = sw.Elapsed.TotalSeconds;

        // At most a full bucket plus the refill over the run; a few tokens of slack for the time between the
        // first take and the stopwatch start.
        var ceiling = capacity + rate * elapsed;
        Assert.True(total <= ceiling + 2, $"admitted {total} > {ceiling:0.0} (capacity + rate × {elapsed:0.000}s) over {calls} calls");
        _output.WriteLine($"3 replicas, {calls} calls in {elapsed:0.000}s: admitted {total} of a ceiling of {ceiling:0.0} ({total - ceiling:+0.0;-0.0} tokens)");
        // The full bucket at least (how close to the ceiling depends on how fast this shared machine issues calls).
        Assert.True(total >= Math.Min(capacity, calls), $"admitted {total} of {calls} calls: the bucket starts full");
        Assert.True(calls > total * 2, $"only {calls} calls for {total} admitted: the test did not saturate the limit");
        foreach (var (_, c) in replicas)
            Assert.Equal(0, c.LocalTakes);
    }

    [SkippableFact]
    public async Task CostPerTake_IsOneLoopbackRoundTrip()
    {
        var (limiter, connection) = Replica(Limit(maxRate: 1e6, capacity: 1_000_000, clientMaxRate: 1e6, clientCapacity: 1_000_000));
        await WaitConnectedAsync(connection);
        var db = connection.Begin(out _)!;
        const int n = 2000;
        for (var i = 0; i < 200; i++)
        {
            await limiter.TryTakeAsync(null);
            await limiter.TryTakeAsync("warm");
            await db.PingAsync();
        }

        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
            await db.PingAsync();
        var ping = sw.Elapsed.TotalMicroseconds / n;
        sw.Restart();
        for (var i = 0; i < n; i++)
            await limiter.TryTakeAsync(null);
        var global = sw.Elapsed.TotalMicroseconds / n;
        sw.Restart();
        for (var i = 0; i < n; i++)
            await limiter.TryTakeAsync("client-1");
        var both = sw.Elapsed.TotalMicroseconds / n;

        sw.Restart();
        for (var i = 0; i < n; i++)
            await limiter.TryTakeAsync(null);
        var global2 = sw.Elapsed.TotalMicroseconds / n;

        _output.WriteLine($"sequential, loopback: PING {ping:0} µs, endpoint take {global:0} / {global2:0} µs, client + endpoint take {both:0} µs");
        foreach (var line in _redis.Command("INFO", "commandstats").Split('\n'))
        {
            if (line.StartsWith("cmdstat_eval", StringComparison.Ordinal))
                _output.WriteLine(line.TrimEnd('\r'));
        }
        Assert.Equal(0, connection.LocalTakes);
        // Generous: one round trip each, far below the 100 ms call timeout even on a loaded machine.
        Assert.True(both < 5_000, $"{both:0} µs per take");
    }

    [SkippableFact]
    public async Task RedisKilledMidRun_CallsNeitherFailNorStall_CountLocally_ThenRecoverWhenItReturns()
    {
        var logger = new ListLogger();
        var (limiter, connection) = Replica(Limit(maxRate: 1000, capacity: 1000), logger, callTimeout: RedisConnection.DefaultCallTimeout);
        await WaitConnectedAsync(connection);
        Assert.Equal(SharedVerdict.Admitted, (await limiter.TryTakeAsync(null)).Verdict);

        var worst = TimeSpan.Zero;
        var failures = 0;
        async Task RunAsync(TimeSpan forHowLong)
        {
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < forHowLong)
            {
                var one = Stopwatch.StartNew();
                try
                {
                    await limiter.TryTakeAsync(null);
                }
                catch (Exception)
                {
                    failures++;
                }
                if (one.Elapsed > worst)
                    worst = one.Elapsed;
                await Task.Delay(2);
            }
        }

        var load = RunAsync(TimeSpan.FromMilliseconds(1500));
        await Task.Delay(300);
        _redis.Stop();
        await load;

        _output.WriteLine($"Redis killed: worst take {worst.TotalMilliseconds:0.0} ms, {connection.LocalTakes} local takes, {connection.Failures} failed calls");
        Assert.Equal(0, failures);
        // The policy bounds a take by the call timeout (100 ms); the slack is for pauses of a loaded test machine. What
        // must not happen is a take waiting for Redis to come back (seconds) or for the connect timeout (5 s).
        Assert.True(worst < connection.CallTimeout + TimeSpan.FromMilliseconds(900), $"a take took {worst.TotalMilliseconds:0} ms with Redis down");
        Assert.True(connection.IsOpen);
        Assert.Equal(1, connection.Outages);
        Assert.True(connection.LocalTakes > 50, $"{connection.LocalTakes} local takes");
        Assert.Single(logger.Messages, m => m.Contains("is unreachable", StringComparison.Ordinal));

        _redis.Start();
        var before = connection.RedisCalls;
        var sw = Stopwatch.StartNew();
        while (connection.IsOpen && sw.Elapsed < TimeSpan.FromSeconds(8))
        {
            await limiter.TryTakeAsync(null);
            await Task.Delay(10);
        }
        Assert.False(connection.IsOpen, "the breaker did not close within 8 s of redis-server's restart");
        _output.WriteLine($"Redis restarted: back in use after {sw.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(SharedVerdict.Admitted, (await limiter.TryTakeAsync(null)).Verdict);
        Assert.True(connection.RedisCalls > before);
        Assert.Single(logger.Messages, m => m.Contains("answers again after", StringComparison.Ordinal));
        Assert.Equal(1, connection.Outages);
        Assert.Equal(0, failures);
    }

    [SkippableFact]
    public async Task RedisHungMidRun_EachTakeWaitsAtMostTheCallTimeout_ThenCountsLocally_AndRecovers()
    {
        var logger = new ListLogger();
        var (limiter, connection) = Replica(Limit(maxRate: 1000, capacity: 1000), logger, callTimeout: RedisConnection.DefaultCallTimeout);
        await WaitConnectedAsync(connection);
        try
        {
            _redis.Pause();
            var worst = TimeSpan.Zero;
            var sw = Stopwatch.StartNew();
            var takes = 0;
            while (sw.Elapsed < TimeSpan.FromMilliseconds(1200))
            {
                var one = Stopwatch.StartNew();
                Assert.Equal(SharedVerdict.Admitted, (await limiter.TryTakeAsync(null)).Verdict);
                takes++;
                if (one.Elapsed > worst)
                    worst = one.Elapsed;
                await Task.Delay(5);
            }
            _output.WriteLine($"Redis hung: {takes} takes, worst {worst.TotalMilliseconds:0} ms, {connection.Failures} timed-out calls, {connection.LocalTakes} local takes");
            Assert.True(connection.IsOpen);
            Assert.Equal(1, connection.Outages);
            // Without the timeout, a take would wait for SIGCONT; with it, the breaker's probes wait 100 ms each.
            Assert.True(worst >= connection.CallTimeout - TimeSpan.FromMilliseconds(5) && worst < TimeSpan.FromMilliseconds(900),
                $"worst take {worst.TotalMilliseconds:0} ms");
            Assert.True(connection.LocalTakes >= takes - 5, $"{connection.LocalTakes} of {takes} takes were local");
        }
        finally
        {
            _redis.Resume();
        }

        var back = Stopwatch.StartNew();
        while (connection.IsOpen && back.Elapsed < TimeSpan.FromSeconds(5))
        {
            await limiter.TryTakeAsync(null);
            await Task.Delay(10);
        }
        Assert.False(connection.IsOpen, "the breaker did not close within 5 s of SIGCONT");
        Assert.Single(logger.Messages, m => m.Contains("is unreachable (no answer within 100 ms)", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task WhileRedisIsDown_TheLocalBucketKeepsTheLimit_OrOnFailureAllowAdmitsAll()
    {
        var (limited, c1) = Replica(Limit(maxRate: 0.001, capacity: 3, clientMaxRate: 0.001, clientCapacity: 2));
        var (open, c2) = Replica(Limit(maxRate: 0.001, capacity: 3, allow: true), endpoint: "GET /open");
        await WaitConnectedAsync(c1);
        await WaitConnectedAsync(c2);
        _redis.Stop();

        // Whatever Redis had counted is out of reach: the local buckets start full, with the same limits.
        Assert.Equal(2, await TakeAsync(limited, 4, "alice"));
        Assert.Equal(1, await TakeAsync(limited, 4, "bob"));
        Assert.Equal(0, await TakeAsync(limited, 2));
        Assert.Equal(10, await TakeAsync(open, 10));
        Assert.True(c1.IsOpen && c2.IsOpen);
    }

    [SkippableFact]
    public async Task RedisUnreachableFromTheStart_NeverStallsARequest()
    {
        var closed = RedisServer.ClosedPort();
        var logger = new ListLogger();
        var (limiter, connection) = Replica(Limit(maxRate: 0.001, capacity: 2, address: "127.0.0.1:" + closed), logger);

        var sw = Stopwatch.StartNew();
        var admitted = await TakeAsync(limiter, 5);
        Assert.True(sw.Elapsed < TimeSpan.FromMilliseconds(500), $"5 takes took {sw.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(2, admitted);
        Assert.Equal(5, connection.LocalTakes);
        Assert.Equal(0, connection.RedisCalls);
    }

    [SkippableFact]
    public void Connections_AreSharedBetweenGenerationsWithTheSameSettings_AndDisposedWithTheLast()
    {
        var cache = new RedisConnectionCache();
        var logger = new ListLogger();
        var pool = Pool(_redis.Address);
        var first = new RedisConnectionSet(cache, TimeProvider.System, logger);
        var second = new RedisConnectionSet(cache, TimeProvider.System, logger);

        var a = first.Get(pool);
        Assert.Same(a, first.Get(pool));
        Assert.Same(a, second.Get(pool with { }));
        var other = second.Get(pool with { Name = "other", Database = 1 });
        Assert.NotSame(a, other);
        var third = new RedisConnectionSet(cache, TimeProvider.System, logger);
        Assert.NotSame(a, third.Get(pool with { Password = "changed" }));
        Assert.Equal(3, cache.Count);

        first.Dispose();
        Assert.Equal(3, cache.Count); // the second generation still uses "shared"
        second.Dispose();
        Assert.Equal(1, cache.Count);
        third.Dispose();
        Assert.Equal(0, cache.Count);
    }
}

internal sealed class ListLogger : ILogger
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
                return [.. _messages];
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_messages)
            _messages.Add(formatter(state, exception));
    }
}
