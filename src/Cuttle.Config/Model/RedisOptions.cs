using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// The service-level extra_config."redis" of KrakenD Enterprise: the named Redis connections that stateful features
/// (the Redis-backed rate limit) reference by name instead of repeating the address. Both
/// <c>connection_pools</c> (one server) and <c>clusters</c> (a Redis Cluster) are listed here; names are unique
/// across the two.
/// </summary>
public sealed record RedisOptions
{
    /// <summary>Every connection, pools first then clusters, in file order.</summary>
    public ImmutableArray<RedisConnectionOptions> Connections { get; init; } = [];

    public SourceLocation Location { get; init; } = SourceLocation.None;

    /// <summary>The connection named <paramref name="name"/> (ordinal, as EE matches it), or null.</summary>
    public RedisConnectionOptions? Find(string name)
    {
        foreach (var c in Connections)
        {
            if (c.Name == name)
                return c;
        }
        return null;
    }
}

/// <summary>
/// One entry of <c>redis.connection_pools</c> or <c>redis.clusters</c>. Only the settings that change where and how
/// the gateway connects are kept; the go-redis pool tuning fields (pool_size, idle and retry settings) are
/// type-checked and accepted, since one multiplexed connection per server replaces go-redis's pool.
/// </summary>
public sealed record RedisConnectionOptions
{
    public string Name { get; init; } = "";

    /// <summary>host:port of the server (a pool), or of every cluster member. Already checked to parse.</summary>
    public ImmutableArray<string> Addresses { get; init; } = [];

    /// <summary>True for an entry of <c>clusters</c>.</summary>
    public bool IsCluster { get; init; }

    /// <summary>The database selected after connecting (<c>db</c>, or the older <c>database</c>); always 0 for a cluster.</summary>
    public int Database { get; init; }

    public string? UserName { get; init; }

    public string? Password { get; init; }

    /// <summary>CLIENT SETNAME of the connection; null leaves the client library's default.</summary>
    public string? ClientName { get; init; }

    /// <summary>How long one connection attempt may take (<c>dial_timeout</c>, go-redis default 5s).</summary>
    public TimeSpan DialTimeout { get; init; } = DefaultDialTimeout;

    public SourceLocation Location { get; init; } = SourceLocation.None;

    public static readonly TimeSpan DefaultDialTimeout = TimeSpan.FromSeconds(5);
}
