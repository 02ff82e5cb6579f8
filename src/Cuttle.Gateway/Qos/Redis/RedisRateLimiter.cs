using System.Collections.Concurrent;
using System.Globalization;
using Cuttle.Config.Model;
using StackExchange.Redis;

namespace Cuttle.Gateway.Qos.Redis;

/// <summary>
/// One endpoint's "qos/ratelimit/router/redis": its endpoint bucket and its per-client buckets live in Redis, so every
/// gateway replica pointing at the same Redis shares them. One script call per take (both buckets in one round
/// trip when the limit has both rates).
/// <para>
/// When Redis cannot answer (still connecting, breaker open, error, or no answer within the connection's call
/// timeout), the take is decided by an in-process bucket with the same rate and capacity, so each replica keeps
/// the configured limit on its own share of the traffic; with <c>on_failure_allow</c> the request is admitted
/// instead. Nothing here throws or waits past the call timeout. Built per generation; the buckets themselves live
/// in Redis and survive reloads and restarts, the local fallback buckets do not.
/// </para>
/// <para>
/// Keys: <c>cuttle:rl:{METHOD path}</c> for the endpoint and <c>cuttle:rl:{METHOD path}:CLIENT</c> per client. The
/// braces are a Redis Cluster hash tag: both keys of one take hash to one slot, so the single script may touch both.
/// </para>
/// </summary>
internal sealed class RedisRateLimiter : ISharedRateLimit
{
    /// <summary>Above this many clients counted locally during one outage, the local client buckets start over.</summary>
    internal const int MaxLocalClients = 65_536;

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
    private readonly LocalTokenBucket? _localGlobal;
    private readonly ConcurrentDictionary<string, LocalTokenBucket> _localClients = new(StringComparer.Ordinal);
    private readonly double _clientRate;
    private readonly long _clientCapacity;
    private int _localClientsUsed;
    private int _localClientCount;

    public RedisRateLimiter(RedisRateLimitOptions options, string endpointId, RedisConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
        _global = options.MaxRate > 0;
        _perClient = options.ClientMaxRate > 0;
        _allowOnFailure = options.OnFailureAllow;
        _clientRate = options.ClientMaxRate;
        _clientCapacity = options.ClientCapacity;
        var globalKey = "cuttle:rl:{" + endpointId + "}";
        KeyPrefix = globalKey;
        _globalKeys = [globalKey];
        _clientPrefix = globalKey + ":";
        _globalArgs = _global ? Args(options.MaxRate, options.Capacity) : [];
        _clientArgs = _perClient ? Args(options.ClientMaxRate, options.ClientCapacity) : [];
        _bothArgs = [.. _clientArgs, .. _globalArgs];
        if (_global)
            _localGlobal = new LocalTokenBucket(options.MaxRate, options.Capacity, time);
    }

    /// <summary>The endpoint bucket's key; client buckets append ":" and the client.</summary>
    public string KeyPrefix { get; }

    public RedisConnection Connection => _connection;

    public ValueTask<bool> TryTakeAsync(string? client)
    {
        var withClient = _perClient && client is not null;
        if (!withClient && !_global)
            return new(true);
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
            return new(Answered(call.Result, probe));
        return AwaitAsync(call, probe, client, withClient);
    }

    private async ValueTask<bool> AwaitAsync(Task<RedisResult> call, bool probe, string? client, bool withClient)
    {
        try
        {
            var result = await call.WaitAsync(_connection.CallTimeout, _time).ConfigureAwait(false);
            return Answered(result, probe);
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

    private bool Answered(RedisResult result, bool probe)
    {
        _connection.MarkSucceeded(probe);
        if (Volatile.Read(ref _localClientsUsed) != 0 && Interlocked.Exchange(ref _localClientsUsed, 0) != 0)
        {
            _localClients.Clear(); // Redis is back: the outage's client buckets are no longer needed.
            Volatile.Write(ref _localClientCount, 0);
        }
        return (long)result == 0;
    }

    /// <summary>The decision while Redis is not answering: the same limits counted in this process, or admit all.</summary>
    private bool Local(string? client, bool withClient)
    {
        _connection.CountLocal();
        if (_allowOnFailure)
            return true;
        if (withClient)
        {
            Volatile.Write(ref _localClientsUsed, 1);
            if (!_localClients.TryGetValue(client!, out var bucket))
            {
                // ConcurrentDictionary.Count takes every lock, so the size is counted here, approximately.
                if (Interlocked.Increment(ref _localClientCount) > MaxLocalClients)
                {
                    _localClients.Clear();
                    Volatile.Write(ref _localClientCount, 1);
                }
                bucket = _localClients.GetOrAdd(client!, new LocalTokenBucket(_clientRate, _clientCapacity, _time));
            }
            if (!bucket.TryTake())
                return false;
        }
        return _localGlobal is null || _localGlobal.TryTake();
    }

    private static RedisValue[] Args(double ratePerSecond, long capacity)
    {
        // Time to refill a whole bucket, plus a second, in milliseconds: after that the key would read as full.
        var ttl = (long)Math.Min(long.MaxValue / 2, Math.Ceiling(capacity / ratePerSecond * 1000)) + 1000;
        return [ratePerSecond.ToString("R", CultureInfo.InvariantCulture), capacity, ttl];
    }
}
