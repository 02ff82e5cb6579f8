using System.Collections.Immutable;
using System.Text.Json;

namespace Cuttle.Config.Model;

/// <summary>extra_config.router (alias github_com/luraproject/lura/router/gin).</summary>
public sealed record RouterOptions
{
    public static RouterOptions Default { get; } = new();

    /// <summary>Write the error text as the body of a failed response (KrakenD's default is an empty body).</summary>
    public bool ReturnErrorMsg { get; init; }
    public bool DisableRedirectTrailingSlash { get; init; }
    public bool DisableRedirectFixedPath { get; init; }
    public bool DisableHandleMethodNotAllowed { get; init; }
    public bool AutoOptions { get; init; }
    public bool DisableHealth { get; init; }
    public string HealthPath { get; init; } = "/__health";
    public bool HideVersionHeader { get; init; }
    public bool DisablePathDecoding { get; init; }
    public bool DisableAccessLog { get; init; }

    /// <summary>router.logger_skip_paths: request paths (without the query) gin's access log does not write.</summary>
    public ImmutableArray<string> LoggerSkipPaths { get; init; } = [];
    public bool RemoveExtraSlash { get; init; }

    /// <summary>gin's ForwardedByClientIP: the client IP may come from <see cref="RemoteIpHeaders"/> (gin's default: true).</summary>
    public bool ForwardedByClientIp { get; init; } = true;

    /// <summary>gin's RemoteIPHeaders, canonical, in order (default X-Forwarded-For, X-Real-Ip).</summary>
    public ImmutableArray<string> RemoteIpHeaders { get; init; } = ["X-Forwarded-For", "X-Real-Ip"];

    /// <summary>
    /// gin's trusted proxies: addresses or CIDRs whose forwarding headers are believed. Default (null) is gin's: every
    /// address. An entry gin cannot parse ends the list there (gin keeps what it parsed before it).
    /// </summary>
    public ImmutableArray<string>? TrustedProxies { get; init; }

    /// <summary>gin's AppEngine flag: X-Appengine-Remote-Addr, when present, is the client IP.</summary>
    public bool AppEngine { get; init; }

    /// <summary>CE's router.error_body: custom JSON bodies for "404" and "405".</summary>
    public JsonElement? ErrorBody404 { get; init; }
    public JsonElement? ErrorBody405 { get; init; }
}

/// <summary>extra_config.proxy at endpoint level.</summary>
public sealed record EndpointProxyOptions
{
    public static EndpointProxyOptions Default { get; } = new();

    public bool Sequential { get; init; }
    public ImmutableArray<string> SequentialPropagatedParams { get; init; } = [];
    public StaticResponseOptions? Static { get; init; }
    public ImmutableArray<FlatmapOperation> FlatmapFilter { get; init; } = [];
}

/// <summary>extra_config.proxy at backend level.</summary>
public sealed record BackendProxyOptions
{
    public static BackendProxyOptions Default { get; } = new();

    public ImmutableArray<FlatmapOperation> FlatmapFilter { get; init; } = [];
    public bool Shadow { get; init; }
    public TimeSpan ShadowTimeout { get; init; }
}

/// <summary>extra_config."backend/http".</summary>
public sealed record BackendHttpOptions
{
    public static BackendHttpOptions Default { get; } = new();

    /// <summary>When set, a failed backend contributes <c>{"error_NAME": {...}}</c> instead of an error.</summary>
    public string? ReturnErrorDetails { get; init; }

    /// <summary>When true, the backend's status and body become the endpoint's error.</summary>
    public bool ReturnErrorCode { get; init; }

    /// <summary>
    /// extra_config."backend/http/client".send_body_on_redirect: the body is read before sending, so a 307 or 308
    /// redirect is followed with it (lura proxy/http.go); otherwise such a redirect of a streamed body is not followed.
    /// </summary>
    public bool SendBodyOnRedirect { get; init; }
}

public enum StaticStrategy { Always, Success, Complete, Errored, Incomplete }

/// <summary>extra_config.proxy.static: data merged into the response according to the strategy.</summary>
public sealed record StaticResponseOptions(StaticStrategy Strategy, JsonElement Data);

/// <summary>One flatmap_filter operation: type move | append | del, with dot-path arguments.</summary>
public sealed record FlatmapOperation(string Type, ImmutableArray<string> Args);
