using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>go-redis pool tuning of the EE schema: accepted and type-checked, not used (one multiplexed connection per server).</summary>
    private static readonly FrozenSet<string> RedisIgnoredInts = FrozenSet.ToFrozenSet(
        ["max_active_conns", "max_idle_conns", "max_retries", "min_idle_conns", "pool_size", "max_redirects"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> RedisIgnoredDurations = FrozenSet.ToFrozenSet(
        ["conn_max_idle_time", "conn_max_life_time", "max_retry_backoff", "min_retry_backoff", "pool_timeout"], StringComparer.Ordinal);

    /// <summary>
    /// The service-level "redis" namespace of KrakenD Enterprise (schema redis.json): connection_pools
    /// [{name, address, db, user_name, password, client_name, dial_timeout, …}] and clusters [{name, addresses, …}].
    /// Names must be unique across both lists; an address must be host:port. TLS is refused rather than silently
    /// connecting in clear text.
    /// </summary>
    private RedisOptions? BindRedis(JsonNode? extra)
    {
        if (Namespace(extra, "redis") is not { } r)
            return null;
        var connections = ImmutableArray.CreateBuilder<RedisConnectionOptions>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (list, cluster) in (ReadOnlySpan<(string, bool)>)[("connection_pools", false), ("clusters", true)])
        {
            if (r[list] is not { } items || !ExpectKind(items, JsonNodeKind.Array, "redis." + list))
                continue;
            for (var i = 0; i < items.Items.Length; i++)
            {
                if (BindRedisConnection(items.Items[i], $"redis.{list}[{i}]", cluster) is not { } c)
                    continue;
                if (!names.Add(c.Name))
                    Error(items.Items[i]["name"] ?? items.Items[i], $"redis connection name \"{c.Name}\" is declared twice; pool and cluster names must be unique");
                else
                    connections.Add(c);
            }
        }
        return new RedisOptions { Connections = connections.ToImmutable(), Location = Loc(r) };
    }

    private RedisConnectionOptions? BindRedisConnection(JsonNode obj, string path, bool cluster)
    {
        if (!ExpectKind(obj, JsonNodeKind.Object, path))
            return null;
        foreach (var p in obj.Properties)
        {
            if (RedisIgnoredInts.Contains(p.Name))
                ReadLong(p.Value, $"{path}.{p.Name}", 0);
            else if (RedisIgnoredDurations.Contains(p.Name))
                ReadDuration(p.Value, $"{path}.{p.Name}", TimeSpan.Zero);
        }
        string? S(string key) => obj[key] is { } n ? ReadString(n, $"{path}.{key}", null) : null;

        var ok = true;
        var name = S("name");
        if (string.IsNullOrEmpty(name))
        {
            Error(obj["name"] ?? obj, $"\"{path}.name\" is required: the name other components use to reference this connection");
            ok = false;
        }

        var addresses = ImmutableArray.CreateBuilder<string>();
        var addressKey = cluster ? "addresses" : "address";
        if (obj[addressKey] is not { } an)
        {
            Error(obj, $"\"{path}.{addressKey}\" is required (host:port)");
            ok = false;
        }
        else
        {
            var list = cluster ? ReadStringList(an, $"{path}.addresses") : [ReadString(an, $"{path}.address", "") ?? ""];
            if (cluster && list.IsEmpty)
            {
                Error(an, $"\"{path}.addresses\" must list at least one host:port");
                ok = false;
            }
            for (var i = 0; i < list.Length; i++)
            {
                var at = an.Kind == JsonNodeKind.Array && i < an.Items.Length ? an.Items[i] : an;
                if (TryParseRedisAddress(list[i], out var error))
                {
                    addresses.Add(list[i]);
                }
                else
                {
                    Error(at, $"invalid redis address \"{list[i]}\" in \"{path}.{addressKey}\": {error}");
                    ok = false;
                }
            }
        }

        var db = 0;
        // EE documented "database" first and "db" since; the schema has db. Either is read, db winning.
        foreach (var key in (ReadOnlySpan<string>)["database", "db"])
        {
            if (obj[key] is not { } dn)
                continue;
            if (cluster)
            {
                Error(dn, $"\"{path}.{key}\": a Redis Cluster has only database 0");
                ok = false;
                continue;
            }
            var v = ReadInt(dn, $"{path}.{key}", 0);
            if (v < 0)
            {
                Error(dn, $"\"{path}.{key}\" must be 0 or more, got {v}");
                ok = false;
            }
            else
            {
                db = v;
            }
        }

        var dial = obj["dial_timeout"] is { } dt ? ReadDuration(dt, $"{path}.dial_timeout", TimeSpan.Zero) : TimeSpan.Zero;
        if (dial <= TimeSpan.Zero)
            dial = RedisConnectionOptions.DefaultDialTimeout;

        if (obj["tls"] is { } tls && ExpectKind(tls, JsonNodeKind.Object, $"{path}.tls"))
        {
            Error(tls, $"\"{path}.tls\": TLS connections to Redis are not supported by Cuttle yet; remove it to connect in clear text");
            ok = false;
        }

        if (!ok)
            return null;
        return new RedisConnectionOptions
        {
            Name = name!,
            Addresses = addresses.ToImmutable(),
            IsCluster = cluster,
            Database = db,
            UserName = S("user_name") is { Length: > 0 } u ? u : null,
            Password = S("password") is { Length: > 0 } pw ? pw : null,
            ClientName = S("client_name") is { Length: > 0 } cn ? cn : null,
            DialTimeout = dial,
            Location = Loc(obj),
        };
    }

    private static readonly System.Buffers.SearchValues<char> RedisHostStops = System.Buffers.SearchValues.Create(" \t/?#@");

    /// <summary>Go's net.SplitHostPort plus a port in 1..65535: "host:port" or "[v6]:port".</summary>
    internal static bool TryParseRedisAddress(string address, out string error)
    {
        error = "";
        if (address.AsSpan().IndexOfAny(RedisHostStops) >= 0)
        {
            error = "expected host:port with a host name or IP address";
            return false;
        }
        int colon;
        string host;
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= address.Length || address[close + 1] != ':')
            {
                error = "expected [ipv6]:port";
                return false;
            }
            host = address[1..close];
            colon = close + 1;
        }
        else
        {
            colon = address.LastIndexOf(':');
            if (colon < 0)
            {
                error = "missing port, expected host:port such as \"redis:6379\"";
                return false;
            }
            host = address[..colon];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = "too many colons; write an IPv6 address as [addr]:port";
                return false;
            }
        }
        if (host.Length == 0)
        {
            error = "expected host:port with a host name or IP address";
            return false;
        }
        var port = address.AsSpan(colon + 1);
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
        {
            error = $"invalid port \"{port}\", expected a number between 1 and 65535";
            return false;
        }
        return true;
    }

    /// <summary>
    /// The endpoint namespace "qos/ratelimit/router/redis" of KrakenD Enterprise (schema qos/ratelimit/redis.json).
    /// The referenced connection must be declared in the service's "redis" namespace. Rates are numbers per
    /// <c>every</c> (default 1s) and are turned into tokens per second here; capacities default to the per-second
    /// rate, at least 1, as krakend-ratelimit does. Negative numbers are errors, as is a block with neither rate.
    /// </summary>
    private RedisRateLimitOptions? BindRedisRateLimit(JsonNode? extra, RedisOptions? redis)
    {
        const string ns = "qos/ratelimit/router/redis";
        if (Namespace(extra, ns) is not { } rl)
            return null;
        var ok = true;

        double Rate(string key)
        {
            if (rl[key] is not { } n || n.Kind == JsonNodeKind.Null)
                return 0;
            double v;
            if (n.Kind == JsonNodeKind.Number && double.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out v)
                || n.Kind == JsonNodeKind.String && double.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out v))
            {
                if (v >= 0 && double.IsFinite(v))
                    return v;
                Error(n, $"\"{ns}.{key}\" must be a positive number of requests, got {n.Text}");
            }
            else
            {
                Error(n, $"\"{ns}.{key}\" must be a number, got {n.KindName}");
            }
            ok = false;
            return 0;
        }

        long Capacity(string key)
        {
            if (rl[key] is not { } n)
                return 0;
            var v = ReadLong(n, $"{ns}.{key}", 0);
            if (v >= 0)
                return v;
            Error(n, $"\"{ns}.{key}\" must be 0 or more, got {v}");
            ok = false;
            return 0;
        }

        string? S(string key) => rl[key] is { } n ? ReadString(n, $"{ns}.{key}", null) : null;

        // connection_name (pool or cluster) replaced connection_pool, which EE still reads; the newer name wins.
        var nameKey = rl["connection_name"] is not null ? "connection_name" : "connection_pool";
        var name = S(nameKey);
        RedisConnectionOptions? connection = null;
        if (string.IsNullOrEmpty(name))
        {
            Error(rl, $"\"{ns}.connection_name\" is required: the name of a connection declared in the service's \"redis\" namespace");
            ok = false;
        }
        else if (redis?.Find(name) is { } c)
        {
            connection = c;
        }
        else
        {
            var declared = redis is null || redis.Connections.IsEmpty
                ? "the service declares no \"redis\" connection_pools or clusters"
                : "declared: " + string.Join(", ", redis.Connections.Select(x => "\"" + x.Name + "\""));
            Error(rl[nameKey]!, $"\"{ns}.{nameKey}\": unknown redis connection \"{name}\" ({declared})");
            ok = false;
        }

        var every = rl["every"] is { } e ? ReadDuration(e, $"{ns}.every", TimeSpan.Zero) : TimeSpan.Zero;
        if (every < TimeSpan.Zero)
        {
            Error(rl["every"]!, $"\"{ns}.every\" must be a positive duration, got {rl["every"]!.Text}");
            ok = false;
        }
        if (every <= TimeSpan.Zero)
            every = TimeSpan.FromSeconds(1);
        var perSecond = 1 / every.TotalSeconds;

        var maxRate = Rate("max_rate") * perSecond;
        var clientMaxRate = Rate("client_max_rate") * perSecond;
        var capacity = Capacity("capacity");
        var clientCapacity = Capacity("client_capacity");
        if (ok && maxRate <= 0 && clientMaxRate <= 0)
        {
            Error(rl, $"\"{ns}\" needs \"max_rate\" or \"client_max_rate\" greater than 0");
            ok = false;
        }
        if (capacity == 0)
            capacity = maxRate < 1 ? 1 : (long)maxRate;
        if (clientCapacity == 0)
            clientCapacity = clientMaxRate < 1 ? 1 : (long)clientMaxRate;

        var strategy = (S("strategy") ?? "").ToLowerInvariant();
        var key = S("key") ?? "";
        if (clientMaxRate > 0)
        {
            switch (strategy)
            {
                case "":
                    strategy = "ip";
                    break;
                case "ip":
                    break;
                case "header" or "param":
                    if (key.Length == 0)
                    {
                        Error(rl, $"\"{ns}.key\" is required with strategy \"{strategy}\": the {(strategy == "header" ? "header" : "path parameter")} that identifies the client");
                        ok = false;
                    }
                    break;
                default:
                    Error(rl["strategy"]!, $"\"{ns}.strategy\" must be \"ip\", \"header\" or \"param\", got \"{strategy}\"");
                    ok = false;
                    break;
            }
        }
        else if (strategy.Length == 0)
        {
            strategy = "ip";
        }

        var allow = rl["on_failure_allow"] is { } fa && ReadBool(fa, $"{ns}.on_failure_allow", false);
        if (!ok)
            return null;
        return new RedisRateLimitOptions
        {
            Connection = connection!,
            MaxRate = maxRate,
            Capacity = capacity,
            ClientMaxRate = clientMaxRate,
            ClientCapacity = clientCapacity,
            Every = every,
            Strategy = strategy,
            Key = key,
            OnFailureAllow = allow,
            Headers = Namespace(extra, RateLimitHeadersNamespace) is not null,
            Location = Loc(rl),
        };
    }
}
