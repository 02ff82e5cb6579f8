using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."security/cors" (alias github_com/devopsfaith/krakend-cors), service level. The values are fed to
/// rs/cors as krakend-cors does: an empty allow_origins or allow_headers becomes ["*"]; an empty allow_methods keeps
/// rs/cors' default (GET, POST, HEAD).
/// </summary>
public sealed record CorsOptions
{
    public ImmutableArray<string> AllowOrigins { get; init; } = ["*"];
    public ImmutableArray<string> AllowMethods { get; init; } = [];
    public ImmutableArray<string> AllowHeaders { get; init; } = ["*"];
    public ImmutableArray<string> ExposeHeaders { get; init; } = [];
    public bool AllowCredentials { get; init; }
    public bool AllowPrivateNetwork { get; init; }

    /// <summary>Let preflight requests continue to the router after the CORS headers are set.</summary>
    public bool OptionsPassthrough { get; init; }

    /// <summary>Status of an answered preflight; 0 in the config means rs/cors' default, 204.</summary>
    public int OptionsSuccessStatus { get; init; } = 204;

    /// <summary>Access-Control-Max-Age; only whole seconds are sent (rs/cors takes an int).</summary>
    public TimeSpan MaxAge { get; init; }
    public bool Debug { get; init; }
}
