using System.Collections.Immutable;
using System.Globalization;
using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>The Cuttle-only namespace that turns on the RateLimit-* and Retry-After headers of an endpoint.</summary>
    internal const string RateLimitHeadersNamespace = "cuttle/ratelimit-headers";

    /// <summary>Above this a shard array is a configuration mistake, not a tuning (KrakenD would try to allocate it).</summary>
    private const long MaxShards = 1 << 20;

    /// <summary>
    /// krakend-ratelimit v3.3.1 router.ConfigGetter and the defaults of its gin middleware: <c>every</c> below a second
    /// is a second and scales both rates to per-second; a rate of 0 (or less) disables that limit; a capacity of 0
    /// is the rate (1 below one per second; for the client bucket KrakenD tests <c>max_rate</c> there, not
    /// <c>client_max_rate</c>, and Cuttle does the same). KrakenD silently ignores values of the wrong type, a
    /// negative rate, an unknown strategy or a header/param strategy without <c>key</c> (the limit then never
    /// applies, or rejects every request); Cuttle reports each with its position, so <c>check</c> finds them.
    /// </summary>
    private RateLimitRouterOptions? BindRateLimitRouter(JsonNode? extra, ImmutableArray<string> parameters)
    {
        if (Namespace(extra, "qos/ratelimit/router") is not { } rl)
            return null;
        const string ns = "qos/ratelimit/router.";
        var maxRate = Rate(rl, ns, "max_rate");
        var clientMaxRate = Rate(rl, ns, "client_max_rate");
        var capacity = Count(rl, ns, "capacity", 0);
        var clientCapacity = Count(rl, ns, "client_capacity", 0);

        var every = TimeSpan.FromSeconds(1);
        var ttl = RateLimitRouterOptions.DefaultClientTtl;
        if (rl["every"] is { } e)
        {
            every = Every(e, ns + "every");
            if (every < TimeSpan.FromSeconds(1))
                every = TimeSpan.FromSeconds(1);
            // KrakenD keeps idle clients for 1 + 25% × rand() of a long period; the upper bound, so that the value is
            // the same at every load (a reload must see equal settings to keep the store) and a client is never
            // forgotten earlier than in KrakenD.
            if (every > ttl)
                ttl = every * 1.25;
        }
        var factor = 1.0 / every.TotalSeconds;
        maxRate *= factor;
        clientMaxRate *= factor;

        var shards = Count(rl, ns, "num_shards", RateLimitRouterOptions.DefaultShards);
        if (shards > MaxShards)
        {
            Error(rl["num_shards"]!, $"\"{ns}num_shards\" is too large: {shards} (at most {MaxShards})");
            shards = RateLimitRouterOptions.DefaultShards;
        }
        var cleanup = RateLimitRouterOptions.DefaultCleanupPeriod;
        if (rl["cleanup_period"] is { } cp)
        {
            cleanup = Every(cp, ns + "cleanup_period", RateLimitRouterOptions.DefaultCleanupPeriod);
            if (cleanup < TimeSpan.FromSeconds(1))
                cleanup = TimeSpan.FromSeconds(1);
        }
        var threads = Count(rl, ns, "cleanup_threads", 1);

        var key = rl["key"] is { } k ? ReadString(k, ns + "key", "") ?? "" : "";
        var strategy = RateLimitStrategy.None;
        var strategyNode = rl["strategy"];
        var strategyText = strategyNode is null ? "" : ReadString(strategyNode, ns + "strategy", "") ?? "";
        switch (strategyText.ToLowerInvariant())
        {
            case "ip": strategy = RateLimitStrategy.Ip; break;
            case "header": strategy = RateLimitStrategy.Header; break;
            case "param": strategy = RateLimitStrategy.Param; break;
            case "" when strategyNode is null:
                if (clientMaxRate > 0)
                    Warning(rl, $"\"{ns}client_max_rate\" without \"strategy\": KrakenD applies no per-client limit (\"Unknown strategy\"); set \"ip\", \"header\" or \"param\"");
                break;
            default:
                Error(strategyNode!, $"unknown \"{ns}strategy\" \"{strategyText}\": expected \"ip\", \"header\" or \"param\"");
                break;
        }
        if (strategy is RateLimitStrategy.Header or RateLimitStrategy.Param && key.Length == 0)
            Error(rl["key"] ?? rl, $"\"{ns}key\" is required with strategy \"{strategyText}\": the {(strategy == RateLimitStrategy.Header ? "header" : "path parameter")} that names the client (without it KrakenD rejects every request with 429)");
        else if (strategy == RateLimitStrategy.Param && !parameters.Contains(key))
            Warning(rl["key"]!, $"\"{ns}key\" \"{key}\" is not a parameter of this endpoint: every request has an empty client key and is rejected with 429");

        if (maxRate <= 0 && (clientMaxRate <= 0 || strategy == RateLimitStrategy.None))
            return null;
        if (clientMaxRate <= 0)
            strategy = RateLimitStrategy.None;
        return new RateLimitRouterOptions
        {
            MaxRate = Math.Max(maxRate, 0),
            Capacity = capacity != 0 ? capacity : maxRate < 1 ? 1 : (long)maxRate,
            ClientMaxRate = strategy == RateLimitStrategy.None ? 0 : clientMaxRate,
            // krakend-ratelimit's applyClientRateLimit compares cfg.MaxRate here, not cfg.ClientMaxRate.
            ClientCapacity = clientCapacity != 0 ? clientCapacity : maxRate < 1 ? 1 : (long)clientMaxRate,
            Strategy = strategy,
            Key = key,
            ClientTtl = ttl,
            NumShards = (int)Math.Max(shards, 1),
            CleanupPeriod = cleanup,
            CleanupThreads = (int)Math.Min(threads, int.MaxValue),
            Headers = Namespace(extra, RateLimitHeadersNamespace) is not null,
            Location = Loc(rl),
        };
    }

    /// <summary>
    /// krakend-ratelimit v3.3.1 proxy.ConfigGetter and NewMiddleware: <c>every</c> scales max_rate with no lower bound,
    /// a max_rate of 0 adds no limiter, a capacity of 0 is the rate (1 below one per second). An <c>every</c> of zero or
    /// less, which would make KrakenD's bucket divide by zero, is an error here.
    /// </summary>
    private RateLimitProxyOptions? BindRateLimitProxy(JsonNode? extra)
    {
        if (Namespace(extra, "qos/ratelimit/proxy") is not { } rl)
            return null;
        const string ns = "qos/ratelimit/proxy.";
        var maxRate = Rate(rl, ns, "max_rate");
        var capacity = Count(rl, ns, "capacity", 0);
        if (rl["every"] is { } e)
        {
            var every = Every(e, ns + "every");
            if (every <= TimeSpan.Zero)
            {
                Error(e, $"\"{ns}every\" must be a positive duration, got \"{e.Text}\"");
                every = TimeSpan.FromSeconds(1);
            }
            maxRate /= every.TotalSeconds;
        }
        if (maxRate <= 0)
            return null;
        return new RateLimitProxyOptions
        {
            MaxRate = maxRate,
            Capacity = capacity != 0 ? capacity : maxRate < 1 ? 1 : (long)maxRate,
            Location = Loc(rl),
        };
    }

    /// <summary>A rate: a JSON number, 0 or more (0 disables the limit, as in KrakenD).</summary>
    private double Rate(JsonNode block, string ns, string key)
    {
        if (block[key] is not { } n || n.Kind == JsonNodeKind.Null)
            return 0;
        if (n.Kind != JsonNodeKind.Number || !double.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            Error(n, $"\"{ns}{key}\" must be a number, got {n.KindName}");
            return 0;
        }
        if (v < 0)
        {
            Error(n, $"\"{ns}{key}\" must be 0 (no limit) or more, got {n.Text}");
            return 0;
        }
        return v;
    }

    /// <summary>A count read as KrakenD's uint64 (a fraction truncated); negative is an error.</summary>
    private long Count(JsonNode block, string ns, string key, long fallback)
    {
        if (block[key] is not { } n || n.Kind == JsonNodeKind.Null)
            return fallback;
        var v = ReadLong(n, ns + key, fallback);
        if (v >= 0)
            return v;
        Error(n, $"\"{ns}{key}\" must be 0 or more, got {v}");
        return fallback;
    }

    /// <summary>
    /// A Go duration string. KrakenD formats the value with %v and falls back to the default when time.ParseDuration
    /// fails (a bare number has no unit, so it always fails there); Cuttle reports it.
    /// </summary>
    private TimeSpan Every(JsonNode n, string field, TimeSpan? fallback = null)
    {
        var value = fallback ?? TimeSpan.FromSeconds(1);
        if (n.Kind == JsonNodeKind.String && GoDuration.TryParse(n.Text, out var parsed))
            return parsed;
        Error(n, $"invalid duration {(n.Kind == JsonNodeKind.String ? "\"" + n.Text + "\"" : n.KindName)} for \"{field}\": expected a Go duration such as \"1s\", \"1m\" or \"1h\"");
        return value;
    }
}
