using System.Globalization;
using System.Text;
using System.Text.Json;
using Cuttle.Config.FlexibleConfig;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Commands;

/// <summary>
/// <c>check -d</c>: krakend-cobra's dumper (dumper/dumper.go, v2.8.2) line for line, without colours. The level is
/// how often -d was given (-d, -dd, -ddd); <c>-i</c> sets the indentation. Fields Cuttle's model does not carry (tls,
/// client_tls, plugin, async_agent, a few transport settings) are read from the document as written.
/// </summary>
internal sealed class ConfigDumper(TextWriter o, string prefix, int level)
{
    public void Dump(GatewayConfig v, JsonElement? document)
    {
        var doc = document is { ValueKind: JsonValueKind.Object } d ? d : default;
        var p = prefix;
        o.WriteLine("Global settings");
        o.WriteLine($"{p}Name: {v.Name}");
        o.WriteLine(Inv($"{p}Version: {v.Version}"));
        o.WriteLine($"{p}Address: {v.ListenIp}");
        o.WriteLine(Inv($"{p}Port: {v.Port}"));
        if (level > 1)
        {
            o.WriteLine($"{p}Default cache TTL: {Dur(v.CacheTtl)}");
            o.WriteLine($"{p}Default timeout: {Dur(v.Timeout)}");
        }
        if (v.Host.Length > 0 || level > 1)
            o.WriteLine($"{p}Default backend hosts: {List(v.Host)}");
        if (level > 2)
        {
            o.WriteLine($"{p}Read timeout: {Dur(v.ReadTimeout)}");
            o.WriteLine($"{p}Write timeout: {Dur(v.WriteTimeout)}");
            o.WriteLine($"{p}Idle timeout: {Dur(v.IdleTimeout)}");
            o.WriteLine($"{p}Read header timeout: {Dur(v.ReadHeaderTimeout)}");
            o.WriteLine($"{p}Idle connection timeout: {Dur(v.IdleConnectionTimeout)}");
            o.WriteLine($"{p}Response header timeout: {Dur(v.ResponseHeaderTimeout)}");
            o.WriteLine($"{p}Expect continue timeout: {Dur(DocDuration(doc, "expect_continue_timeout", TimeSpan.FromSeconds(1)))}");
            o.WriteLine($"{p}Dialer timeout: {Dur(v.DialerTimeout)}");
            o.WriteLine($"{p}Dialer fallback delay: {Dur(DocDuration(doc, "dialer_fallback_delay", TimeSpan.FromMilliseconds(300)))}");
            o.WriteLine($"{p}Dialer keep alive: {Dur(DocDuration(doc, "dialer_keep_alive", TimeSpan.FromSeconds(30)))}");
            o.WriteLine($"{p}Disable keep alives: {Bool(v.DisableKeepAlives)}");
            o.WriteLine($"{p}Disable compression: {Bool(v.DisableCompression)}");
            o.WriteLine(Inv($"{p}Max idle connections: {v.MaxIdleConnections}"));
            o.WriteLine(Inv($"{p}Max idle connections per host: {v.MaxIdleConnectionsPerHost}"));
            o.WriteLine($"{p}Sequential start: {Bool(DocBool(doc, "sequential_start"))}");
            o.WriteLine(Inv($"{p}Max header bytes: {v.MaxHeaderBytes}"));
            o.WriteLine($"{p}Echo endpoint enabled: {Bool(v.EchoEndpoint)}");
            o.WriteLine($"{p}Default encoding strategy: {v.OutputEncoding}");
            o.WriteLine($"{p}Disable strict REST: {Bool(v.DisableRest)}");
            o.WriteLine($"{p}Run lura in debug mode: {Bool(v.DebugEndpoint)}");
            o.WriteLine($"{p}Allow insecure connections: {Bool(DocBool(doc, "allow_insecure_connections"))}");
            o.WriteLine($"{p}UseH2C: {Bool(DocBool(doc, "use_h2c"))}");
        }

        var tls = Member(doc, "tls");
        if (tls.ValueKind == JsonValueKind.Object)
        {
            o.WriteLine($"{p}TLS Disabled: {Bool(DocBool(tls, "disabled"))}");
            o.WriteLine($"{p}TLS Public key: {DocString(tls, "public_key")}");
            o.WriteLine($"{p}TLS Private key: {DocString(tls, "private_key")}");
            o.WriteLine($"{p}TLS Enable MTLS: {Bool(DocBool(tls, "enable_mtls"))}");
            o.WriteLine($"{p}TLS Disable System CA Pool: {Bool(DocBool(tls, "disable_system_ca_pool"))}");
            if (level > 1)
            {
                o.WriteLine($"{p}TLS Min version: {DocString(tls, "min_version")}");
                o.WriteLine($"{p}TLS Max version: {DocString(tls, "max_version")}");
            }
            if (level > 2)
            {
                o.WriteLine($"{p}TLS Curve preferences: {DocList(tls, "curve_preferences")}");
                o.WriteLine($"{p}TLS Prefer server cipher suites: {Bool(DocBool(tls, "prefer_server_cipher_suites"))}");
                o.WriteLine($"{p}TLS Cipher suites: {DocList(tls, "cipher_suites")}");
            }
        }
        else if (level > 1)
        {
            o.WriteLine($"{p}No TLS section defined");
        }

        var clientTls = Member(doc, "client_tls");
        if (clientTls.ValueKind == JsonValueKind.Object)
        {
            o.WriteLine($"{p}Client TLS Allow Insecure Connections: {Bool(DocBool(clientTls, "allow_insecure_connections"))}");
            o.WriteLine($"{p}Client TLS Disable System CA Pool: {Bool(DocBool(clientTls, "disable_system_ca_pool"))}");
            if (level > 1)
            {
                o.WriteLine($"{p}Client TLS Min version: {DocString(clientTls, "min_version")}");
                o.WriteLine($"{p}Client TLS Max version: {DocString(clientTls, "max_version")}");
            }
            if (level > 2)
            {
                o.WriteLine($"{p}Client TLS Curve preferences: {DocList(clientTls, "curve_preferences")}");
                o.WriteLine($"{p}Client TLS Cipher suites: {DocList(clientTls, "cipher_suites")}");
            }
        }

        var plugin = Member(doc, "plugin");
        if (plugin.ValueKind == JsonValueKind.Object)
        {
            o.WriteLine($"{p}Folder: {DocString(plugin, "folder")}");
            o.WriteLine($"{p}Pattern: {DocString(plugin, "pattern")}");
        }
        else if (level > 1)
        {
            o.WriteLine($"{p}No Plugin section defined");
        }

        if (level > 1 || v.ExtraConfig.Namespaces.Count > 0)
        {
            o.WriteLine(Inv($"{v.ExtraConfig.Namespaces.Count} global component configuration(s):"));
            DumpExtraConfig(v.ExtraConfig, "");
        }

        o.WriteLine(Inv($"{v.Endpoints.Length} API endpoint(s):"));
        foreach (var e in v.Endpoints)
            DumpEndpoint(e);

        // Cuttle does not run async agents; they are listed by name as KrakenD lists them.
        var agents = Member(doc, "async_agent");
        var agentCount = agents.ValueKind == JsonValueKind.Array ? agents.GetArrayLength() : 0;
        o.WriteLine(Inv($"{agentCount} async agent(s):"));
        if (agentCount > 0)
        {
            foreach (var a in agents.EnumerateArray())
                o.WriteLine($"{p}- {DocString(a, "name")}");
        }
    }

    private void DumpEndpoint(EndpointConfig e)
    {
        var p = prefix;
        o.WriteLine($"{p}- {e.Method} {e.Endpoint}");
        o.WriteLine($"{p}Timeout: {Dur(e.Timeout)}");
        if (level > 1 || e.InputQueryStrings.Length > 0)
            o.WriteLine($"{p}QueryString: {List(e.InputQueryStrings)}");
        if (level > 1)
        {
            o.WriteLine($"{p}CacheTTL: {Dur(e.CacheTtl)}");
            o.WriteLine($"{p}Headers to pass: {List(e.InputHeaders)}");
            o.WriteLine($"{p}OutputEncoding: {e.OutputEncoding}");
        }
        if (level > 1 || e.ConcurrentCalls > 1)
            o.WriteLine(Inv($"{p}Concurrent calls: {e.ConcurrentCalls}"));
        if (level > 1 || e.ExtraConfig.Namespaces.Count > 0)
        {
            o.WriteLine(Inv($"{p}{e.ExtraConfig.Namespaces.Count} endpoint component configuration(s):"));
            DumpExtraConfig(e.ExtraConfig, p);
        }
        o.WriteLine(Inv($"{p}Connecting to {e.Backend.Length} backend(s):"));
        foreach (var b in e.Backend)
            DumpBackend(e, b);
    }

    private void DumpBackend(EndpointConfig e, BackendConfig b)
    {
        var p = prefix + prefix;
        o.WriteLine($"{p}[+] {b.Method} {b.UrlPattern}");
        // lura gives every backend its endpoint's timeout and concurrent calls.
        o.WriteLine($"{p}Timeout: {Dur(e.Timeout)}");
        o.WriteLine($"{p}Hosts: {Hosting.SecretMask.Apply(List(b.Host))}");
        if (level > 1)
        {
            o.WriteLine(Inv($"{p}Concurrent calls: {e.ConcurrentCalls}"));
            o.WriteLine($"{p}Host sanitization disabled: {Bool(b.DisableHostSanitize)}");
            o.WriteLine($"{p}Target: {b.Target}");
            o.WriteLine($"{p}Deny: {List(b.Deny)}, Allow: {List(b.Allow)}");
            o.WriteLine($"{p}Mapping: map[{string.Join(' ', b.Mapping.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key + ":" + m.Value))}]");
            o.WriteLine($"{p}Group: {b.Group}");
            o.WriteLine($"{p}Encoding: {b.Encoding}");
            o.WriteLine($"{p}Is collection: {Bool(b.IsCollection)}");
            o.WriteLine($"{p}SD: {b.Sd}");
            o.WriteLine($"{p}SD scheme: {b.SdScheme}");
            o.WriteLine($"{p}Headers to pass: {List(b.InputHeaders)}");
            o.WriteLine($"{p}Query strings to pass: {List(b.InputQueryStrings)}");
        }
        if (level > 1 || b.ExtraConfig.Namespaces.Count > 0)
        {
            o.WriteLine(Inv($"{p}{b.ExtraConfig.Namespaces.Count} backend component configuration(s):"));
            DumpExtraConfig(b.ExtraConfig, p);
        }
        o.WriteLine();
    }

    private void DumpExtraConfig(ExtraConfig cfg, string p)
    {
        foreach (var k in cfg.Namespaces.Keys.Order(StringComparer.Ordinal))
        {
            o.WriteLine($"{p}- {k}");
            if (level <= 1)
                continue;
            var value = cfg.Namespaces[k];
            if (value.ValueKind == JsonValueKind.Object)
            {
                // Go ranges over the map in random order; sorted here so the output is stable.
                foreach (var m in value.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                    o.WriteLine($"\t{p}{m.Name}: {Hosting.SecretMask.Apply(GoTemplate.Print(m.Value))}");
            }
            else
            {
                o.WriteLine($"\t{p}: {Hosting.SecretMask.Apply(GoTemplate.Print(value))}");
            }
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool b) => b ? "true" : "false";

    private static string List(IEnumerable<string> items) => "[" + string.Join(' ', items) + "]";

    private static JsonElement Member(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) ? v : default;

    private static bool DocBool(JsonElement obj, string name) => Member(obj, name).ValueKind == JsonValueKind.True;

    private static string DocString(JsonElement obj, string name) => Member(obj, name) is { ValueKind: JsonValueKind.String } s ? s.GetString()! : "";

    private static string DocList(JsonElement obj, string name) => Member(obj, name) is { ValueKind: JsonValueKind.Array } a ? GoTemplate.Print(a) : "[]";

    /// <summary>A duration the model does not carry, with lura's default when absent.</summary>
    private static TimeSpan DocDuration(JsonElement obj, string name, TimeSpan fallback)
        => Member(obj, name) is { ValueKind: JsonValueKind.String } s && GoDuration.TryParse(s.GetString(), out var d) ? d : fallback;

    /// <summary>Go's time.Duration.String: "0s", "150ms", "1.5µs", "2h3m4.5s".</summary>
    internal static string Dur(TimeSpan d)
    {
        var ns = d.Ticks * 100;
        if (ns == 0)
            return "0s";
        var sb = new StringBuilder();
        if (ns < 0)
            sb.Append('-');
        var u = (ulong)Math.Abs(ns);
        if (u < 1_000_000_000)
        {
            if (u < 1_000)
                return sb.Append(u.ToString(CultureInfo.InvariantCulture)).Append("ns").ToString();
            if (u < 1_000_000)
                return sb.Append(Frac(u, 3)).Append("µs").ToString();
            return sb.Append(Frac(u, 6)).Append("ms").ToString();
        }
        var hours = u / 3_600_000_000_000;
        u -= hours * 3_600_000_000_000;
        var minutes = u / 60_000_000_000;
        u -= minutes * 60_000_000_000;
        if (hours > 0)
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        if (hours > 0 || minutes > 0)
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        return sb.Append(Frac(u, 9)).Append('s').ToString();
    }

    private static string Frac(ulong v, int digits)
    {
        ulong scale = 1;
        for (var i = 0; i < digits; i++)
            scale *= 10;
        var whole = (v / scale).ToString(CultureInfo.InvariantCulture);
        var frac = (v % scale).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return frac.Length == 0 ? whole : whole + "." + frac;
    }
}
