using System.Diagnostics;
using System.Globalization;
using Cuttle.Testing;
using Cuttle.Tests.Support;
using Xunit.Abstractions;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// qos/ratelimit/router/redis across real gateway processes: three `cuttle run` children with the same configuration
/// and one real redis-server share one endpoint limit; killing redis-server mid-run fails no request (each process
/// counts locally, the documented policy), and the shared limit is back after redis-server restarts.
/// </summary>
public sealed class RedisRateLimitTests(ITestOutputHelper output) : IDisposable
{
    private const double Rate = 4;       // tokens per second of the shared endpoint bucket
    private const int Capacity = 10;
    private const int Replicas = 3;

    /// <summary>
    /// What the admitted count may exceed capacity + rate × elapsed by: requests in flight at a phase's edges. The
    /// bucket itself is exact (one atomic script per take).
    /// </summary>
    private const int Margin = 2;

    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-redis-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private sealed record Phase(int Admitted, int Refused, int Failed, TimeSpan Elapsed, TimeSpan Slowest, int[] AdmittedBy)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"admitted {Admitted} ({string.Join('/', AdmittedBy)}), 503 {Refused}, failed {Failed}, {Elapsed.TotalMilliseconds:0} ms, slowest {Slowest.TotalMilliseconds:0} ms");
    }

    /// <summary>Each replica's own client sends GET /limited in a loop for <paramref name="duration"/>; all replicas at once.</summary>
    private static async Task<Phase> DriveAsync(HttpClient[] clients, int[] ports, TimeSpan duration)
    {
        var admitted = new int[clients.Length];
        int refused = 0, failed = 0;
        long slowest = 0;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
        {
            var url = $"http://127.0.0.1:{ports[i]}/limited";
            while (sw.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(url);
                    switch ((int)response.StatusCode)
                    {
                        case 200: admitted[i]++; break;
                        case 503: Interlocked.Increment(ref refused); break;
                        default: Interlocked.Increment(ref failed); break;
                    }
                }
                catch (HttpRequestException) { Interlocked.Increment(ref failed); }
                catch (TaskCanceledException) { Interlocked.Increment(ref failed); }
                var took = Stopwatch.GetElapsedTime(start).Ticks;
                long seen;
                while (took > (seen = Interlocked.Read(ref slowest)) && Interlocked.CompareExchange(ref slowest, took, seen) != seen) { }
            }
        })));
        return new Phase(admitted.Sum(), refused, failed, sw.Elapsed, TimeSpan.FromTicks(slowest), admitted);
    }

    /// <summary>Until each replica's takes reach Redis: its own client key of /warm appears there.</summary>
    private static async Task WaitSharedAsync(RedisServer redis, HttpClient[] clients, int[] ports)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < clients.Length; i++)
        {
            var key = "cuttle:rl:{GET /warm}:replica-" + i.ToString(CultureInfo.InvariantCulture);
            while (redis.Command("EXISTS", key) != ":1")
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"replica {i} did not use redis-server within 10 s");
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{ports[i]}/warm");
                request.Headers.Add("X-Replica", "replica-" + i.ToString(CultureInfo.InvariantCulture));
                try { using var _ = await clients[i].SendAsync(request); } catch (HttpRequestException) { }
                await Task.Delay(20);
            }
        }
    }

    private static void AssertShared(Phase phase, string what)
    {
        var bound = Capacity + (Rate * phase.Elapsed.TotalSeconds) + Margin;
        // The documented policy: a Redis call that outlives its 100 ms timeout (a busy machine) sends that replica to
        // its local bucket for a moment, which may admit up to a local bucket more. A request slower than the timeout
        // is the sign of it; without one the shared bound is strict.
        if (phase.Slowest >= TimeSpan.FromMilliseconds(100)) bound += Capacity;
        Assert.True(phase.Admitted <= bound, $"{what}: {phase} exceeds the shared limit {bound:0.0}");
        Assert.True(phase.Admitted >= Capacity, $"{what}: {phase} admitted less than the bucket held");
        Assert.Equal(0, phase.Failed);
    }

    [SkippableFact]
    public async Task ThreeGateways_ShareOneLimit_SurviveRedisKilledMidRun_AndShareItAgainAfterARestart()
    {
        var total = Stopwatch.StartNew();
        using var redis = RedisServer.StartNew();
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, $$"""
            { "version": 3,
              "extra_config": { "redis": { "connection_pools": [ { "name": "shared", "address": "{{redis.Address}}" } ] } },
              "endpoints": [
                { "endpoint": "/limited", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ],
                  "extra_config": { "qos/ratelimit/router/redis": { "connection_name": "shared", "max_rate": {{Rate}}, "capacity": {{Capacity}} } } },
                { "endpoint": "/warm", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ],
                  "extra_config": { "qos/ratelimit/router/redis": { "connection_name": "shared", "client_max_rate": 1000,
                    "strategy": "header", "key": "X-Replica" } } }
              ] }
            """);

        var ports = new int[Replicas];
        var processes = new CuttleProcess[Replicas];
        var clients = new HttpClient[Replicas];
        try
        {
            for (var i = 0; i < Replicas; i++)
            {
                ports[i] = TestPorts.Closed();
                processes[i] = CuttleProcess.Start(_dir, "run", "-c", path, "-p", ports[i].ToString(CultureInfo.InvariantCulture));
                clients[i] = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            }
            for (var i = 0; i < Replicas; i++)
                Assert.True(await processes[i].WaitForBodyAsync($"http://127.0.0.1:{ports[i]}/__health", "\"status\":\"ok\"", TimeSpan.FromSeconds(30)), processes[i].Output);
            await WaitSharedAsync(redis, clients, ports);
            output.WriteLine($"3 gateways up and connected after {total.ElapsedMilliseconds} ms");

            // 1. Redis up: the three replicas together admit what one bucket allows.
            var shared = await DriveAsync(clients, ports, TimeSpan.FromSeconds(1.5));
            output.WriteLine("shared:    " + shared);
            AssertShared(shared, "shared");
            Assert.True(shared.Refused > 0, "nothing was refused");

            // 2. Redis killed: no request fails or stalls; each replica counts locally with the same limit.
            redis.Stop();
            var down = await DriveAsync(clients, ports, TimeSpan.FromSeconds(1.5));
            output.WriteLine("redis down: " + down);
            Assert.Equal(0, down.Failed);
            Assert.True(down.Slowest < TimeSpan.FromSeconds(1), $"a request took {down.Slowest.TotalMilliseconds:0} ms while redis-server was down");
            var localBound = Capacity + (Rate * down.Elapsed.TotalSeconds) + Margin;
            foreach (var n in down.AdmittedBy)
                Assert.InRange(n, 1, localBound);

            // 3. Redis back (empty): within about a second each replica takes from Redis again, and they share one bucket.
            redis.Start();
            var restarted = Stopwatch.StartNew();
            await WaitSharedAsync(redis, clients, ports);
            output.WriteLine($"shared again {restarted.ElapsedMilliseconds} ms after the restart");
            var again = await DriveAsync(clients, ports, TimeSpan.FromSeconds(1));
            output.WriteLine("recovered: " + again);
            AssertShared(again, "after the restart");
            Assert.Equal(":1", redis.Command("EXISTS", "cuttle:rl:{GET /limited}"));
            foreach (var p in processes)
                Assert.False(p.HasExited, p.Output);
            output.WriteLine($"total {total.ElapsedMilliseconds} ms");
        }
        finally
        {
            foreach (var c in clients) c?.Dispose();
            foreach (var p in processes)
            {
                if (p is not null) await p.DisposeAsync();
            }
        }
    }
}
