using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Cuttle.Go;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Qos;

/// <summary>
/// How qos/ratelimit/router names the client of a request (krakend-ratelimit's TokenExtractor). An empty name is a
/// client KrakenD cannot identify, which it rejects with 429 like an exceeded one.
/// </summary>
internal abstract class ClientKey
{
    public abstract string Extract(HttpContext context, string[] parameters);

    public static ClientKey For(RateLimitRouterOptions options, EndpointConfig endpoint, GinClientIp? clientIp = null) =>
        For(options.Strategy, options.Key, endpoint, clientIp ?? GinClientIp.Default);

    /// <summary>The shared (Redis) limit's client, named by the same strategies: "ip" (default), "header", "param".</summary>
    public static ClientKey For(RedisRateLimitOptions options, EndpointConfig endpoint, GinClientIp? clientIp = null) => For(options.Strategy switch
    {
        "header" => RateLimitStrategy.Header,
        "param" => RateLimitStrategy.Param,
        _ => RateLimitStrategy.Ip,
    }, options.Key, endpoint, clientIp ?? GinClientIp.Default);

    private static ClientKey For(RateLimitStrategy strategy, string key, EndpointConfig endpoint, GinClientIp clientIp) => strategy switch
    {
        RateLimitStrategy.Ip => key.Length == 0 ? new IpKey(clientIp) : new ForwardedIpKey(key, clientIp),
        RateLimitStrategy.Header => new HeaderKey(key),
        _ => new ParamKey(endpoint.Params.IndexOf(key)),
    };

    /// <summary>gin's ClientIP, as the rest of the gateway computes it.</summary>
    private sealed class IpKey(GinClientIp clientIp) : ClientKey
    {
        public override string Extract(HttpContext context, string[] parameters) => clientIp.ClientIp(context);
    }

    /// <summary>
    /// NewIPTokenExtractor(header): the first comma-separated value of the header, cut at its first ':' (which leaves
    /// nothing of an IPv6 address), when that parses as an IP; otherwise gin's ClientIP.
    /// </summary>
    private sealed class ForwardedIpKey(string header, GinClientIp clientIp) : ClientKey
    {
        public override string Extract(HttpContext context, string[] parameters)
        {
            var values = context.Request.Headers[header];
            if (values.Count > 0 && values[0] is { Length: > 0 } value)
            {
                var first = value.AsSpan();
                var comma = first.IndexOf(',');
                if (comma >= 0) first = first[..comma];
                first = first.Trim();
                var colon = first.IndexOf(':');
                if (colon >= 0) first = first[..colon];
                if (IsGoIPv4(first)) return first.ToString();
            }
            return clientIp.ClientIp(context);
        }

        /// <summary>net.ParseIP for what survives the cut at ':': four decimal octets, no leading zeros (Go 1.17+).</summary>
        internal static bool IsGoIPv4(ReadOnlySpan<char> s) => GoIp.TryParseIPv4(s, stackalloc byte[4]);
    }

    /// <summary>HeaderTokenExtractor: the header's first value (Header.Get), empty when absent.</summary>
    private sealed class HeaderKey(string header) : ClientKey
    {
        public override string Extract(HttpContext context, string[] parameters)
        {
            var values = context.Request.Headers[header];
            return values.Count > 0 ? values[0] ?? "" : "";
        }
    }

    /// <summary>ParamTokenExtractor: gin's c.Param(key), empty when the endpoint has no such parameter.</summary>
    private sealed class ParamKey(int index) : ClientKey
    {
        public override string Extract(HttpContext context, string[] parameters) =>
            index >= 0 && index < parameters.Length ? parameters[index] ?? "" : "";
    }
}
