namespace Cuttle.Gateway.Qos.Redis;

/// <summary>
/// The server-side token bucket: one EVAL (EVALSHA once cached) per take, atomic on the Redis server.
/// <para>
/// KEYS are the buckets to take from, in order (the client's, then the endpoint's, as krakend-ratelimit nests its
/// middlewares); ARGV holds three numbers per key: the rate in tokens per second, the capacity, and the key's TTL in
/// milliseconds. Each bucket is a hash {tk = tokens left, s/us = TIME of the last take}. Time is the Redis server's
/// TIME, so replicas with skewed clocks still share one refill. A bucket never seen is full. The refill is
/// rate × elapsed, capped at the capacity. Taking stops at the first bucket without a whole token and returns its
/// 1-based index (the tokens already taken from earlier buckets stay taken, as in krakend-ratelimit where the client
/// middleware has consumed its token before the endpoint one refuses); 0 means every bucket gave a token. The reply is
/// one integer, <c>milli × 4 + index</c>, where milli is the thousandths of a token left in the bucket that decided
/// (the refusing one, or the first when all gave), for the optional RateLimit-* headers: an integer reply costs the
/// client no array. A denied
/// bucket is not written, so a denial costs no write. The TTL is the time to refill completely plus a second: a
/// key that expired would have been full anyway, so idle clients cost no memory.
/// </para>
/// <para>
/// The seconds and microseconds of TIME are stored apart because Lua 5.1 writes numbers with 14 significant digits,
/// too few for microseconds since the epoch. replicate_commands is a no-op from Redis 5 (effects replication is the
/// default) and lets Redis 3.2–4 replicate a script that reads TIME.
/// </para>
/// </summary>
internal static class RedisTokenBucketScript
{
    /// <summary>The index of the bucket that refused (0: none), from the script's reply.</summary>
    public static int Index(long reply) => (int)(reply & 3);

    /// <summary>The tokens left in the bucket that decided, from the script's reply.</summary>
    public static double Tokens(long reply) => (reply >> 2) / 1000.0;

    public const string Source = """
        if redis.replicate_commands then redis.replicate_commands() end
        local t = redis.call('TIME')
        local s = tonumber(t[1])
        local us = tonumber(t[2])
        local first = 0
        for i = 1, #KEYS do
          local rate = tonumber(ARGV[i * 3 - 2])
          local cap = tonumber(ARGV[i * 3 - 1])
          local v = redis.call('HMGET', KEYS[i], 'tk', 's', 'us')
          local tokens = cap
          if v[1] then
            tokens = tonumber(v[1])
            local elapsed = (s - tonumber(v[2])) + (us - tonumber(v[3])) / 1000000
            if elapsed > 0 then
              tokens = math.min(cap, tokens + elapsed * rate)
            end
          end
          if tokens < 1 then
            return math.floor(tokens * 1000) * 4 + i
          end
          redis.call('HSET', KEYS[i], 'tk', tokens - 1, 's', s, 'us', us)
          redis.call('PEXPIRE', KEYS[i], ARGV[i * 3])
          if i == 1 then first = tokens - 1 end
        end
        return math.floor(first * 1000) * 4
        """;
}
