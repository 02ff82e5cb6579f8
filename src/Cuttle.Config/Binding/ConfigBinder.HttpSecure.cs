using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>The keys krakend-httpsecure v2.2.1's ConfigGetter reads; any other key is ignored by KrakenD.</summary>
    private static readonly FrozenSet<string> HttpSecureKeys = FrozenSet.ToFrozenSet(
    [
        "allowed_hosts", "allowed_hosts_are_regex", "host_proxy_headers", "sts_seconds", "force_sts_header",
        "custom_frame_options_value", "content_security_policy", "ssl_host", "referrer_policy", "content_type_nosniff",
        "browser_xss_filter", "is_development", "sts_include_subdomains", "frame_deny", "ssl_redirect", "ssl_proxy_headers",
    ], StringComparer.Ordinal);

    /// <summary>
    /// krakend-httpsecure ConfigGetter: each key is taken only when it has the Go type the getter asserts (a list of
    /// strings, a string, a bool, a number for sts_seconds, an object of strings for ssl_proxy_headers); KrakenD
    /// silently skips a value of another type, which would leave a security header off without a word, so Cuttle
    /// refuses it with its position. A regular expression of allowed_hosts that Go cannot compile makes unrolled/secure
    /// panic at start; here it is an error too. With --lint, keys KrakenD does not read (ssl_port, HPKP's public_key,
    /// a typo) are warned about.
    /// </summary>
    private HttpSecureOptions? BindHttpSecure(JsonNode? extra)
    {
        if (Namespace(extra, "security/http") is not { } h)
            return null;
        const string ns = "security/http";
        LintUnknown(h, HttpSecureKeys, $"\"{ns}\"");

        bool B(string key)
        {
            if (h[key] is not { } n || n.Kind == JsonNodeKind.Null) return false;
            if (n.Kind is JsonNodeKind.True or JsonNodeKind.False) return n.Kind == JsonNodeKind.True;
            Error(n, $"\"{ns}.{key}\" must be true or false, got {n.KindName}");
            return false;
        }
        string S(string key)
        {
            if (h[key] is not { } n || n.Kind == JsonNodeKind.Null) return "";
            if (n.Kind == JsonNodeKind.String) return n.Text ?? "";
            Error(n, $"\"{ns}.{key}\" must be a string, got {n.KindName}");
            return "";
        }
        ImmutableArray<string> L(string key)
        {
            if (h[key] is not { } n || n.Kind == JsonNodeKind.Null) return [];
            if (n.Kind != JsonNodeKind.Array)
            {
                Error(n, $"\"{ns}.{key}\" must be a list of strings, got {n.KindName}");
                return [];
            }
            var list = ImmutableArray.CreateBuilder<string>(n.Items.Length);
            foreach (var item in n.Items)
            {
                if (item.Kind == JsonNodeKind.String) list.Add(item.Text ?? "");
                else Error(item, $"\"{ns}.{key}\" must be a list of strings, got {item.KindName} in it");
            }
            return list.ToImmutable();
        }

        var hosts = L("allowed_hosts");
        var regex = B("allowed_hosts_are_regex");
        if (regex && h["allowed_hosts"] is { Kind: JsonNodeKind.Array } hn)
        {
            var j = 0;
            foreach (var item in hn.Items)
            {
                if (item.Kind != JsonNodeKind.String) continue;
                // unrolled/secure compiles "^" + host + "$".
                if (PatternError("^" + hosts[j] + "$") is { } problem)
                    Error(item, $"invalid \"{ns}.allowed_hosts\" regular expression \"{hosts[j]}\": {problem}");
                j++;
            }
        }

        long sts = 0;
        if (h["sts_seconds"] is { } sn && sn.Kind != JsonNodeKind.Null)
        {
            // getInt64 takes a JSON number (float64), truncated toward zero.
            if (sn.Kind == JsonNodeKind.Number && double.TryParse(sn.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                && d is > -9.2e18 and < 9.2e18)
                sts = (long)d;
            else
                Error(sn, $"\"{ns}.sts_seconds\" must be a number of seconds, got {sn.KindName}");
        }

        var proxyHeaders = ImmutableArray<KeyValuePair<string, string>>.Empty;
        if (h["ssl_proxy_headers"] is { } pn && pn.Kind != JsonNodeKind.Null)
        {
            if (pn.Kind != JsonNodeKind.Object)
            {
                Error(pn, $"\"{ns}.ssl_proxy_headers\" must be an object of header names to values, got {pn.KindName}");
            }
            else
            {
                var b = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
                foreach (var p in pn.Properties)
                {
                    if (p.Value.Kind == JsonNodeKind.String) b.Add(new(p.Name, p.Value.Text ?? ""));
                    else Error(p.Value, $"\"{ns}.ssl_proxy_headers.{p.Name}\" must be a string, got {p.Value.KindName}");
                }
                proxyHeaders = b.ToImmutable();
            }
        }

        return new HttpSecureOptions
        {
            AllowedHosts = hosts,
            AllowedHostsAreRegex = regex,
            HostProxyHeaders = L("host_proxy_headers"),
            StsSeconds = sts,
            StsIncludeSubdomains = B("sts_include_subdomains"),
            ForceStsHeader = B("force_sts_header"),
            FrameDeny = B("frame_deny"),
            CustomFrameOptionsValue = S("custom_frame_options_value"),
            ContentTypeNosniff = B("content_type_nosniff"),
            BrowserXssFilter = B("browser_xss_filter"),
            ContentSecurityPolicy = S("content_security_policy"),
            ReferrerPolicy = S("referrer_policy"),
            SslRedirect = B("ssl_redirect"),
            SslHost = S("ssl_host"),
            SslProxyHeaders = proxyHeaders,
            IsDevelopment = B("is_development"),
        };
    }
}
