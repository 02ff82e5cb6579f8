using System.Globalization;
using System.Runtime.CompilerServices;
using Cuttle.Config.Model;
using StackExchange.Redis;

namespace Cuttle.Gateway.Qos.Redis;

/// <summary>
/// One endpoint's "qos/ratelimit/router/redis": its endpoint bucket and its per-client buckets live in Redis, so every
/// gateway replica pointing at the same Redis shares them. One script call per take (both buckets in one round
/// trip when the limit has both rates).
/// <para>
/// When Redis cannot answer (still connecting, breaker open, error, or no answer within the connection's call
/// timeout), the take is decided by in-process buckets with the same rates and capacities, so each replica keeps
/// the configured limit on its own share of the traffic; with <c>on_failure_allow</c> the request is admitted
/// instead. Those buckets are the local qos/ratelimit/router's own (<see cref="TokenBucket"/> for the endpoint,
/// <see cref="ClientLimiterStore"/> for the clients, which evicts idle clients by itself), so the fallback counts
/// exactly as the local limit does. Nothing here throws or waits past the call timeout. Built per generation; the
/// buckets themselves live in Redis and survive reloads and restarts, the local fallback buckets do not.
/// </para>
/// <para>
/// Keys: <c>cuttle:rl:{METHOD path}</c> for the endpoint and <c>cuttle:rl:{METHOD path}:CLIENT</c> per client. The
/// braces are a Redis Cluster hash tag: both keys of one take hash to one slot, so the single script may touch both.
/// </para>
/// </summary>
internal sealed class RedisRateLimiter : ISharedRateLimit
{
    /// <summary>Shards of the fallback client store: it holds only the clients seen during an outage.</summary>
    private const int LocalClientShards = 64;

    private readonly RedisConnection _connection;
    private readonly TimeProvider _time;
    private readonly bool _global;
    private readonly bool _perClient;
    private readonly bool _allowOnFailure;
    private readonly RedisKey[] _globalKeys;
    private readonly RedisKey _clientPrefix;
    private readonly RedisValue[] _globalArgs;
    private readonly RedisValue[] _clientArgs;
    private readonly RedisValue[] _bothArgs;
    private readonly double _rate;
    private readonly long _capacity;
    private readonly double _clientRate;
    private readonly long _clientCapacity;
    private Fallback? _fallback;

    public RedisRateLimiter(RedisRateLimitOptions options, string endpointId, RedisConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
        _global = options.MaxRate > 0;
        _perClient = options.ClientMaxRate > 0;
        _allowOnFailure = options.OnFailureAllow;
        _rate = options.MaxRate;
        _capacity = options.Capacity;
        _clientRate = options.ClientMaxRate;
        _clientCapacity = options.ClientCapacity;
        var globalKey = "cuttle:rl:{" + endpointId + "}";
        KeyPrefix = globalKey;
        _globalKeys = [globalKey];
        _clientPrefix = globalKey + ":";
        _globalArgs = _global ? Args(options.MaxRate, options.Capacity) : [];
        _clientArgs = _perClient ? Args(options.ClientMaxRate, options.ClientCapacity) : [];
        _bothArgs = [.. _clientArgs, .. _globalArgs];
    }

    /// <summary>The endpoint bucket's key; client buckets append ":" and the client.</summary>
    public string KeyPrefix { get; }

    public RedisConnection Connection => _connection;

    /// <summary>Whether the limit has a per-client rate (the handler names the client only then).</summary>
    public bool PerClient => _perClient;

    public ValueTask<SharedTake> TryTakeAsync(string? client)
    {
        var withClient = _perClient && client is not null;
        if (!withClient && !_global)
            return new(default(SharedTake));
        var db = _connection.Begin(out var probe);
        if (db is null)
            return new(Local(client, withClient));

        RedisKey[] keys;
        RedisValue[] args;
        if (!withClient)
        {
            keys = _globalKeys;
            args = _globalArgs;
        }
        else
        {
            var clientKey = _clientPrefix.Append(client);
            keys = _global ? [clientKey, _globalKeys[0]] : [clientKey];
            args = _global ? _bothArgs : _clientArgs;
        }

        Task<RedisResult> call;
        try
        {
            call = db.ScriptEvaluateAsync(RedisTokenBucketScript.Source, keys, args);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            _connection.MarkFailed(probe, e.Message);
            return new(Local(client, withClient));
        }
        if (call.IsCompletedSuccessfully)
            return new(Answered(call.Result, probe, withClient));
        return AwaitAsync(call, probe, client, withClient);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SharedTake> AwaitAsync(Task<RedisResult> call, bool probe, string? client, bool withClient)
    {
        try
        {
            var result = await call.WaitAsync(_connection.CallTimeout, _time).ConfigureAwait(false);
            return Answered(result, probe, withClient);
        }
        catch (TimeoutException)
        {
            // The call may still complete or fail later; observe it so a late failure is not an unobserved exception.
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _connection.MarkFailed(probe, string.Create(CultureInfo.InvariantCulture, $"no answer within {_connection.CallTimeout.TotalMilliseconds:0} ms"));
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException or InvalidCastException)
        {
            _connection.MarkFailed(probe, e.Message);
        }
        return Local(client, withClient);
    }

    private SharedTake Answered(RedisResult result, bool probe, bool withClient)
    {
        _connection.MarkSucceeded(probe);
        if (Volatile.Read(ref _fallback) is not null)
            Volatile.Write(ref _fallback, null); // Redis answers again: the next outage starts with full local buckets.
        var reply = (long)result;
        var index = RedisTokenBucketScript.Index(reply);
        // Keys are the client's then the endpoint's; the reply describes the refusing bucket, or the first one.
        var clientBucket = withClient && index <= 1;
        var verdict = index == 0 ? SharedVerdict.Admitted : clientBucket ? SharedVerdict.ClientExceeded : SharedVerdict.EndpointExceeded;
        return new SharedTake(verdict, Quota(RedisTokenBucketScript.Tokens(reply), clientBucket ? _clientRate : _rate,
            clientBucket ? _clientCapacity : _capacity));
    }

    private static RateLimitQuota Quota(double tokens, double rate, long capacity) =>
        new(capacity, (long)tokens, tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - tokens) / rate));

    /// <summary>The decision while Redis is not answering: the same limits counted in this process, or admit all.</summary>
    private SharedTake Local(string? client, bool withClient)
    {
        _connection.CountLocal();
        if (_allowOnFailure)
            return default;
        var fallback = Volatile.Read(ref _fallback) ?? StartFallback();
        RateLimitQuota quota = default;
        if (withClient)
        {
            if (!fallback.Clients!.TryTake(client!, out quota))
                return new SharedTake(SharedVerdict.ClientExceeded, quota);
        }
        if (fallback.Global is not null)
        {
            if (!fallback.Global.TryTake(out var shared))
                return new SharedTake(SharedVerdict.EndpointExceeded, shared);
            if (!withClient)
                quota = shared;
        }
        return new SharedTake(SharedVerdict.Admitted, quota);
    }

    /// <summary>
    /// The local buckets of one outage, made when it starts (full, as the Redis buckets are after a while without
    /// takes) and dropped when Redis answers again. Made once per outage: a race makes two and keeps the first.
    /// krakend-ratelimit's bucket refills a stale bucket to full once it is empty, so one kept from an earlier outage
    /// would let a second capacity through.
    /// </summary>
    private Fallback StartFallback()
    {
        TokenBucket? global = _global ? new TokenBucket(_rate, _capacity, _time) : null;
        ClientLimiterStore? clients = null;
        if (_perClient)
        {
            // An idle client's bucket is full again after capacity / rate, so forgetting it then changes nothing.
            var ttl = TimeSpan.FromSeconds(Math.Max(1, (_clientCapacity / _clientRate) + 1));
            clients = new ClientLimiterStore(new ClientLimiterStore.Settings(_clientRate, _clientCapacity, ttl, LocalClientShards, ttl), _time);
        }
        var made = new Fallback(global, clients);
        return Interlocked.CompareExchange(ref _fallback, made, null) ?? made;
    }

    private sealed record Fallback(TokenBucket? Global, ClientLimiterStore? Clients);

    private static RedisValue[] Args(double ratePerSecond, long capacity)
    {
        // Time to refill a whole bucket, plus a second, in milliseconds: after that the key would read as full.
        var ttl = (long)Math.Min(long.MaxValue / 2, Math.Ceiling(capacity / ratePerSecond * 1000)) + 1000;
        return [ratePerSecond.ToString("R", CultureInfo.InvariantCulture), capacity, ttl];
    }
}
