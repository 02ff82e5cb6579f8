using System.Globalization;
using Cuttle.Config.Model;
using Cuttle.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Cuttle.Gateway.Qos.Redis;

/// <summary>
/// One named Redis connection of the "redis" namespace: a StackExchange.Redis multiplexer (one socket per server,
/// pipelined, which replaces go-redis's pool) and the health of that server as every rate limit using it sees it.
/// <para>
/// Shared across generations: <see cref="RedisConnectionCache"/> hands the same instance to every generation whose
/// settings for this name are equal, and disposes it when the last one releases it, so a reload keeps the warm
/// connection and the outage state.
/// </para>
/// <para>
/// Health is a small breaker, lock-free (three ints and a timestamp, all Interlocked/Volatile): closed while calls
/// succeed; the first failed or timed-out call opens it (one warning per outage, <see cref="Outages"/> + 1). While
/// open nobody calls Redis, so no request waits on it: callers count locally. After <see cref="RetryAfter"/>, if
/// the multiplexer reports a connection again, exactly one caller probes; its success closes the breaker (one
/// information line), its failure keeps it open for another period.
/// </para>
/// </summary>
internal sealed partial class RedisConnection : IDisposable
{
    /// <summary>The longest a request waits for Redis before it is counted locally and the breaker opens.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the breaker stays open before one probe.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromMilliseconds(500);

    private readonly Task<ConnectionMultiplexer> _connecting;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _retryAfterTicks;
    private ConnectionMultiplexer? _multiplexer;
    private IDatabase? _database;

    private int _open;
    private int _probing;
    private long _retryAt;
    private long _openedAt;
    private long _redisCalls;
    private long _failures;
    private long _outages;
    private long _localTakes;

    public RedisConnection(RedisConnectionOptions options, TimeProvider time, ILogger logger, TimeSpan callTimeout, TimeSpan retryAfter)
    {
        Options = options;
        _time = time;
        _logger = logger;
        CallTimeout = callTimeout;
        RetryAfter = retryAfter;
        _retryAfterTicks = (long)(retryAfter.TotalSeconds * time.TimestampFrequency);
        // Connect in the background: building a generation never waits for Redis, and a Redis that is down at start
        // is the same outage as one that goes down later.
        _connecting = ConnectionMultiplexer.ConnectAsync(Configuration(options));
        _connecting.ContinueWith(static (t, s) => ((RedisConnection)s!).Connected(t), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public RedisConnectionOptions Options { get; }

    public TimeSpan CallTimeout { get; }

    public TimeSpan RetryAfter { get; }

    /// <summary>Whether takes go to Redis now: connected, and the breaker closed.</summary>
    public bool IsUp => Volatile.Read(ref _database) is not null && Volatile.Read(ref _open) == 0;

    /// <summary>Whether the breaker is open (Redis is being skipped).</summary>
    public bool IsOpen => Volatile.Read(ref _open) == 1;

    /// <summary>Calls that reached Redis and answered.</summary>
    public long RedisCalls => Interlocked.Read(ref _redisCalls);

    /// <summary>Calls that failed or timed out.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Times the breaker opened (one per outage).</summary>
    public long Outages => Interlocked.Read(ref _outages);

    /// <summary>Takes answered by a local bucket (or admitted by on_failure_allow) because Redis was skipped or failed.</summary>
    public long LocalTakes => Interlocked.Read(ref _localTakes);

    internal static ConfigurationOptions Configuration(RedisConnectionOptions options)
    {
        var c = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            // Commands issued while disconnected fail at once instead of queueing: a queued take would stall the
            // request until the reconnect, which is exactly what the breaker exists to avoid.
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = (int)Math.Min(int.MaxValue, options.DialTimeout.TotalMilliseconds),
            ConnectRetry = 1,
            // Try again every half second while down, so recovery follows a restart by about a second.
            ReconnectRetryPolicy = new LinearRetry(500),
            DefaultDatabase = options.IsCluster ? null : options.Database,
            User = options.UserName,
            Password = options.Password,
            ClientName = options.ClientName,
            KeepAlive = 5,
        };
        foreach (var a in options.Addresses)
            c.EndPoints.Add(a);
        return c;
    }

    private void Connected(Task<ConnectionMultiplexer> t)
    {
        if (t.IsCompletedSuccessfully)
        {
            _multiplexer = t.Result;
            Volatile.Write(ref _database, t.Result.GetDatabase());
        }
        else
        {
            // ConnectAsync with AbortOnConnectFail=false only throws on a bad configuration; count it as an outage.
            MarkFailed(probe: false, t.Exception?.GetBaseException().Message ?? "connection failed");
        }
    }

    /// <summary>
    /// The database to send a take to, or null when the caller must count locally now (still connecting, breaker
    /// open and not yet due a probe, or another caller is probing). <paramref name="probe"/> is set when this caller
    /// is the one probe and must report back with <see cref="MarkSucceeded"/> or <see cref="MarkFailed"/>.
    /// </summary>
    public IDatabase? Begin(out bool probe)
    {
        probe = false;
        var db = Volatile.Read(ref _database);
        if (db is null)
            return null;
        if (Volatile.Read(ref _open) == 0)
            return db;
        var now = _time.GetTimestamp();
        if (now < Volatile.Read(ref _retryAt))
            return null;
        if (_multiplexer is { IsConnected: false })
        {
            // Still down as far as the multiplexer knows: look again after another period without a call.
            Volatile.Write(ref _retryAt, now + _retryAfterTicks);
            return null;
        }
        if (Interlocked.CompareExchange(ref _probing, 1, 0) != 0)
            return null;
        probe = true;
        return db;
    }

    public void MarkSucceeded(bool probe)
    {
        Interlocked.Increment(ref _redisCalls);
        if (!probe)
            return;
        Volatile.Write(ref _probing, 0);
        if (Interlocked.Exchange(ref _open, 0) == 1)
        {
            var down = _time.GetElapsedTime(Interlocked.Read(ref _openedAt));
            Log.Recovered(_logger, Options.Name, down.TotalSeconds);
        }
    }

    public void MarkFailed(bool probe, string reason)
    {
        Interlocked.Increment(ref _failures);
        var now = _time.GetTimestamp();
        Volatile.Write(ref _retryAt, now + _retryAfterTicks);
        if (probe)
            Volatile.Write(ref _probing, 0);
        if (Interlocked.Exchange(ref _open, 1) == 0)
        {
            Interlocked.Exchange(ref _openedAt, now);
            Interlocked.Increment(ref _outages);
            Log.Unreachable(_logger, Options.Name, string.Join(",", Options.Addresses), reason);
        }
    }

    public void CountLocal() => Interlocked.Increment(ref _localTakes);

    public void Dispose()
    {
        _connecting.ContinueWith(static t =>
        {
            if (t.IsCompletedSuccessfully)
                t.Result.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The settings that decide whether two generations may share this connection.</summary>
    internal static string Fingerprint(RedisConnectionOptions o) => string.Join('\n',
        o.Name, string.Join(',', o.Addresses), o.IsCluster ? "cluster" : "pool", o.Database.ToString(CultureInfo.InvariantCulture),
        o.UserName ?? "", o.Password ?? "", o.ClientName ?? "", o.DialTimeout.Ticks.ToString(CultureInfo.InvariantCulture));

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RedisUnreachable, Level = LogLevel.Warning,
            Message = "redis connection {Name} ({Addresses}) is unreachable ({Reason}); shared rate limits count locally until it answers again")]
        public static partial void Unreachable(ILogger logger, string name, string addresses, string reason);

        [LoggerMessage(EventId = EventIds.RedisRecovered, Level = LogLevel.Information,
            Message = "redis connection {Name} answers again after {Seconds:0.0}s; shared rate limits use it again")]
        public static partial void Recovered(ILogger logger, string name, double seconds);
    }
}
