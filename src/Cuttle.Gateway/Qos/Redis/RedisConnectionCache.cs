using Cuttle.Config.Model;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Qos.Redis;

/// <summary>
/// The process's Redis connections, reference-counted by generation: a generation acquires each connection its
/// endpoints use through its own <see cref="RedisConnectionSet"/>, and releases them all when it is disposed. A
/// reload whose settings for a name did not change gets the same <see cref="RedisConnection"/> (same socket, same
/// breaker state); the last release disposes it. A lock guards the table: it is touched only at build and dispose.
/// </summary>
internal sealed class RedisConnectionCache
{
    /// <summary>The cache of the gateway process.</summary>
    public static readonly RedisConnectionCache Shared = new();

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (RedisConnection Connection, int References)> _entries = new(StringComparer.Ordinal);

    public TimeSpan CallTimeout { get; init; } = RedisConnection.DefaultCallTimeout;

    public TimeSpan RetryAfter { get; init; } = RedisConnection.DefaultRetryAfter;

    /// <summary>Live connections (for tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _entries.Count;
        }
    }

    public RedisConnection Acquire(RedisConnectionOptions options, TimeProvider time, ILogger logger)
    {
        var key = RedisConnection.Fingerprint(options);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var e))
            {
                _entries[key] = (e.Connection, e.References + 1);
                return e.Connection;
            }
            var c = new RedisConnection(options, time, logger, CallTimeout, RetryAfter);
            _entries[key] = (c, 1);
            return c;
        }
    }

    public void Release(RedisConnection connection)
    {
        var key = RedisConnection.Fingerprint(connection.Options);
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var e) || !ReferenceEquals(e.Connection, connection))
                return;
            if (e.References > 1)
            {
                _entries[key] = (connection, e.References - 1);
                return;
            }
            _entries.Remove(key);
        }
        connection.Dispose();
    }
}

/// <summary>
/// The Redis connections one generation uses, each acquired once however many endpoints use it, and released
/// together when the generation is disposed.
/// </summary>
internal sealed class RedisConnectionSet : IDisposable
{
    private readonly RedisConnectionCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, RedisConnection> _byName = new(StringComparer.Ordinal);
    private int _disposed;

    public RedisConnectionSet(RedisConnectionCache cache, TimeProvider time, ILogger logger)
    {
        _cache = cache;
        _time = time;
        _logger = logger;
    }

    /// <summary>The connections acquired so far (for tests and diagnostics).</summary>
    public IEnumerable<RedisConnection> Connections => _byName.Values;

    public RedisConnection Get(RedisConnectionOptions options)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_byName.TryGetValue(options.Name, out var c))
        {
            c = _cache.Acquire(options, _time, _logger);
            _byName[options.Name] = c;
        }
        return c;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        foreach (var c in _byName.Values)
            _cache.Release(c);
        _byName.Clear();
    }
}
