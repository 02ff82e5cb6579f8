using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."security/http" (alias github_com/devopsfaith/krakend-httpsecure), service level: the keys
/// krakend-httpsecure's ConfigGetter copies into unrolled/secure's Options, nothing more (ssl_port, ssl_temporary_redirect,
/// public_key / HPKP and the other Options fields are not read by KrakenD CE, so they are unknown keys here too).
/// </summary>
public sealed record HttpSecureOptions
{
    /// <summary>Hosts allowed (case-insensitive, or regular expressions anchored with ^…$); empty allows any host.</summary>
    public ImmutableArray<string> AllowedHosts { get; init; } = [];
    public bool AllowedHostsAreRegex { get; init; }

    /// <summary>Headers that may carry the proxied host; the first one with a value replaces the Host.</summary>
    public ImmutableArray<string> HostProxyHeaders { get; init; } = [];

    /// <summary>Strict-Transport-Security max-age; 0 sends no header.</summary>
    public long StsSeconds { get; init; }
    public bool StsIncludeSubdomains { get; init; }

    /// <summary>Send Strict-Transport-Security on plain HTTP requests too.</summary>
    public bool ForceStsHeader { get; init; }
    public bool FrameDeny { get; init; }
    public string CustomFrameOptionsValue { get; init; } = "";
    public bool ContentTypeNosniff { get; init; }
    public bool BrowserXssFilter { get; init; }
    public string ContentSecurityPolicy { get; init; } = "";
    public string ReferrerPolicy { get; init; } = "";
    public bool SslRedirect { get; init; }
    public string SslHost { get; init; } = "";

    /// <summary>Header name → value pairs that mark a request as HTTPS (behind a TLS-terminating proxy).</summary>
    public ImmutableArray<KeyValuePair<string, string>> SslProxyHeaders { get; init; } = [];

    /// <summary>Turns off the host check, the HTTPS redirect and Strict-Transport-Security.</summary>
    public bool IsDevelopment { get; init; }
}
