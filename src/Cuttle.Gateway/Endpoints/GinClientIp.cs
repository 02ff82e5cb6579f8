using System.Net;
using System.Runtime.CompilerServices;
using Cuttle.Config.Model;
using Cuttle.Go;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Endpoints;

/// <summary>
/// gin's Context.ClientIP (v1.9–v1.12) under the router's options, as lura sets them on the engine: app_engine's
/// X-Appengine-Remote-Addr first; then, when the socket's address is a trusted proxy and forwarded_by_client_ip is on,
/// the first of remote_ip_headers whose comma list, read from the right, ends at an address that is not a trusted
/// proxy (or at its leftmost one); otherwise the socket's address. gin's defaults trust every address. The gateway
/// uses it for X-Forwarded-For, the rate limits' "ip" strategy and the access log. Immutable, one per router options.
/// </summary>
public sealed class GinClientIp
{
    private static readonly ConditionalWeakTable<RouterOptions, GinClientIp> ByOptions = new();
    private static readonly object RemoteKey = new();

    private readonly bool _appEngine;
    private readonly string[]? _headers;
    private readonly GoIp.Network[]? _trusted; // null: every address is trusted (gin's default)

    private GinClientIp(RouterOptions router)
    {
        _appEngine = router.AppEngine;
        _headers = router.ForwardedByClientIp && !router.RemoteIpHeaders.IsDefaultOrEmpty ? [.. router.RemoteIpHeaders] : null;
        if (router.TrustedProxies is { } proxies)
        {
            var networks = new List<GoIp.Network>(proxies.Length);
            foreach (var entry in proxies) if (GoIp.TryParseNetwork(entry, out var network)) networks.Add(network);
            _trusted = [.. networks];
        }
    }

    /// <summary>gin with KrakenD's defaults (no router options).</summary>
    public static GinClientIp Default { get; } = new(RouterOptions.Default);

    /// <summary>The resolver for these options, made once per options object (built once per generation).</summary>
    public static GinClientIp For(RouterOptions router) =>
        ReferenceEquals(router, RouterOptions.Default) ? Default : ByOptions.GetValue(router, static r => new GinClientIp(r));

    /// <summary>gin's defaults; kept for callers that have no router options.</summary>
    public static string Of(HttpContext context) => Default.ClientIp(context);

    public string ClientIp(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (_appEngine && First(headers, "X-Appengine-Remote-Addr") is { Length: > 0 } appEngine) return appEngine;
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null) return "";
        if (_headers is not null && IsTrusted(remote))
        {
            foreach (var name in _headers)
            {
                if (First(headers, name) is { Length: > 0 } value && Validate(value) is { } ip) return ip;
            }
        }
        return RemoteString(context, remote);
    }

    /// <summary>gin's validateHeader: from the right, the first address that is not a trusted proxy, or the leftmost.</summary>
    private string? Validate(string header)
    {
        var end = header.Length;
        while (true)
        {
            var comma = end == 0 ? -1 : header.LastIndexOf(',', end - 1);
            var item = header.AsSpan(comma + 1, end - comma - 1).Trim();
            if (!GoIp.TryParse(item, out var ip)) return null;
            if (comma < 0 || !IsTrusted(ip)) return item.ToString();
            end = comma;
        }
    }

    private bool IsTrusted(IPAddress ip)
    {
        if (_trusted is null) return true;
        foreach (var network in _trusted) if (network.Contains(ip)) return true;
        return false;
    }

    private static string? First(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>The socket's address as Go prints it; the same for every request of a connection, so formatted once per connection.</summary>
    private static string RemoteString(HttpContext context, IPAddress remote)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(RemoteKey, out var cached) && cached is string s) return s;
        var ip = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4().ToString() : remote.ToString();
        if (items is not null) items[RemoteKey] = ip;
        return ip;
    }
}
