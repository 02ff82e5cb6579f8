using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Net;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private static readonly FrozenSet<string> ServiceDurations = FrozenSet.ToFrozenSet(
    [
        "timeout", "cache_ttl", "read_timeout", "write_timeout", "idle_timeout", "read_header_timeout",
        "idle_connection_timeout", "response_header_timeout", "expect_continue_timeout", "dialer_timeout",
        "dialer_fallback_delay", "dialer_keep_alive", "dns_cache_ttl", "max_shutdown_wait_time",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> ServiceInts = FrozenSet.ToFrozenSet(
        ["version", "port", "max_header_bytes", "max_idle_connections", "max_idle_connections_per_host"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> ServiceBools = FrozenSet.ToFrozenSet(
    [
        "disable_keep_alives", "disable_compression", "disable_rest", "allow_insecure_connections", "use_h2c",
        "debug_endpoint", "echo_endpoint", "sequential_start",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> ServiceStrings = FrozenSet.ToFrozenSet(
        ["name", "listen_ip", "output_encoding"], StringComparer.Ordinal);

    /// <summary>Root keys a KRAKEND_* variable may override.</summary>
    private static readonly FrozenSet<string> ServiceScalars =
        ServiceDurations.Concat(ServiceInts).Concat(ServiceBools).Concat(ServiceStrings).Append("host").ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ServiceKnown = ServiceScalars
        .Concat(["endpoints", "extra_config", "async_agent", "plugin", "tls", "client_tls"]).ToFrozenSet(StringComparer.Ordinal);

    private GatewayConfig BindService(JsonNode root)
    {
        // Type-check every scalar KrakenD reads, even those the model does not carry: koanf refuses them too.
        foreach (var p in root.Properties)
        {
            if (ServiceDurations.Contains(p.Name))
                ReadDuration(p.Value, p.Name, TimeSpan.Zero);
            else if (ServiceInts.Contains(p.Name) && p.Name != "version")
                ReadLong(p.Value, p.Name, 0);
            else if (ServiceBools.Contains(p.Name))
                ReadBool(p.Value, p.Name, false);
            else if (ServiceStrings.Contains(p.Name))
                ReadString(p.Value, p.Name, "");
            else if (p.Name is "plugin" or "tls" or "client_tls")
                ExpectKind(p.Value, JsonNodeKind.Object, p.Name);
            else if (p.Name == "async_agent")
                ExpectKind(p.Value, JsonNodeKind.Array, p.Name);
        }
        LintUnknown(root, ServiceKnown, "the service (root) configuration");
        WarnUnsupportedService(root);

        var port = Int(root, "port", 0);
        if (port == 0)
            port = 8080; // lura defaultPort
        else if (port is < 0 or > 65535)
            Error(root["port"]!, $"invalid port {port}: expected a number between 1 and 65535");

        var listenIp = Str(root, "listen_ip", "") ?? "";
        if (listenIp.Length > 0 && !IsGoIp(listenIp))
            Error(root["listen_ip"]!, $"invalid ip address {listenIp}: expected an IPv4 or IPv6 address such as \"127.0.0.1\" or \"::1\"");

        var timeout = Dur(root, "timeout", TimeSpan.Zero);
        if (timeout == TimeSpan.Zero)
            timeout = TimeSpan.FromSeconds(2); // lura DefaultTimeout

        // Unset, zero or negative transport values take KrakenD's defaults here, once, for every transport built later.
        var maxIdlePerHost = Int(root, "max_idle_connections_per_host", 0);
        if (maxIdlePerHost <= 0)
            maxIdlePerHost = TransportDefaults.MaxIdleConnectionsPerHost;
        var idleConnectionTimeout = Dur(root, "idle_connection_timeout", TimeSpan.Zero);
        if (idleConnectionTimeout <= TimeSpan.Zero)
            idleConnectionTimeout = TransportDefaults.IdleConnectionTimeout;
        var dialerTimeout = Dur(root, "dialer_timeout", TimeSpan.Zero);
        if (dialerTimeout <= TimeSpan.Zero)
            dialerTimeout = TransportDefaults.DialerTimeout;

        var hosts = CleanHosts(root["host"], "host");
        var disableRest = Bool(root, "disable_rest", false);
        var extra = BindExtraConfig(root["extra_config"], "service");
        var router = BindRouter(root["extra_config"]);

        var service = new GatewayConfig
        {
            SourcePath = _sourcePath,
            LazyContentHash = _hash,
            Version = 3,
            Name = Str(root, "name", "") ?? "",
            Port = port,
            ListenIp = listenIp,
            Host = hosts,
            Timeout = timeout,
            CacheTtl = Dur(root, "cache_ttl", TimeSpan.Zero),
            OutputEncoding = Str(root, "output_encoding", "") ?? "",
            DebugEndpoint = Bool(root, "debug_endpoint", false),
            EchoEndpoint = Bool(root, "echo_endpoint", false),
            ReadTimeout = Dur(root, "read_timeout", TimeSpan.Zero),
            WriteTimeout = Dur(root, "write_timeout", TimeSpan.Zero),
            IdleTimeout = Dur(root, "idle_timeout", TimeSpan.Zero),
            ReadHeaderTimeout = Dur(root, "read_header_timeout", TimeSpan.Zero),
            MaxHeaderBytes = Int(root, "max_header_bytes", 0),
            DisableKeepAlives = Bool(root, "disable_keep_alives", false),
            DisableCompression = Bool(root, "disable_compression", false),
            MaxIdleConnections = Int(root, "max_idle_connections", 0),
            MaxIdleConnectionsPerHost = maxIdlePerHost,
            IdleConnectionTimeout = idleConnectionTimeout,
            ResponseHeaderTimeout = Dur(root, "response_header_timeout", TimeSpan.Zero),
            DialerTimeout = dialerTimeout,
            DialerKeepAlive = Dur(root, "dialer_keep_alive", TimeSpan.Zero),
            DialerFallbackDelay = Dur(root, "dialer_fallback_delay", TimeSpan.Zero),
            ExpectContinueTimeout = Dur(root, "expect_continue_timeout", TimeSpan.Zero),
            DnsCacheTtl = Dur(root, "dns_cache_ttl", TimeSpan.FromSeconds(30)) is var ttl && ttl >= TimeSpan.FromSeconds(1) ? ttl : TimeSpan.FromSeconds(30),
            MaxShutdownWaitTime = Dur(root, "max_shutdown_wait_time", TimeSpan.Zero),
            DisableRest = disableRest,
            Router = router,
            Cors = BindCors(root["extra_config"]),
            BotDetector = BindBotDetector(root["extra_config"]),
            HttpSecure = BindHttpSecure(root["extra_config"]),
            LuaEndpoint = BindLua(root["extra_config"], "modifier/lua-endpoint"),
            Revoker = BindRevoker(root["extra_config"]),
            Metrics = BindMetrics(root["extra_config"]),
            Influx = BindInflux(root["extra_config"]),
            Console = BindConsole(root["extra_config"]),
            Redis = BindRedis(root["extra_config"]),
            OpenTelemetry = BindOpenTelemetry(root["extra_config"], Str(root, "name", "") ?? "") ?? BindOpenCensus(root["extra_config"], Str(root, "name", "") ?? ""),
            TelemetryLogging = BindLogging(root["extra_config"]),
            TelemetryLogstash = BindLogstash(root["extra_config"]),
            TelemetryGelf = BindGelf(root["extra_config"]),
            ClientTls = BindClientTls(root),
            Tls = BindServerTls(root["tls"]),
            UseH2c = BindUseH2c(root),
            ExtraConfig = extra,
            Location = Loc(root),
        };

        var endpoints = BindEndpoints(root["endpoints"], service);
        // The service-level output_encoding stays as written ("" = unset); endpoints already carry the effective one.
        return service with { Endpoints = endpoints };
    }

    // Field readers that tolerate absence; type errors were reported once in the first pass.
    private int Int(JsonNode obj, string field, int fallback)
        => obj[field] is { } n ? ReadIntQuiet(n, fallback) : fallback;

    private bool Bool(JsonNode obj, string field, bool fallback)
        => obj[field] is { } n ? Quiet(() => ReadBool(n, field, fallback)) : fallback;

    private string? Str(JsonNode obj, string field, string? fallback)
        => obj[field] is { } n ? Quiet(() => ReadString(n, field, fallback)) : fallback;

    private TimeSpan Dur(JsonNode obj, string field, TimeSpan fallback)
        => obj[field] is { } n ? Quiet(() => ReadDuration(n, field, fallback)) : fallback;

    private int ReadIntQuiet(JsonNode n, int fallback) => Quiet(() => ReadInt(n, n.Path, fallback));

    /// <summary>Reads again without repeating diagnostics already reported by the type-checking pass.</summary>
    private T Quiet<T>(Func<T> read)
    {
        var count = _diagnostics.Count;
        var value = read();
        if (_diagnostics.Count > count)
            _diagnostics.RemoveRange(count, _diagnostics.Count - count);
        return value;
    }

    private ImmutableArray<string> CleanHosts(JsonNode? node, string field)
    {
        if (node is null)
            return [];
        var raw = ReadStringList(node, field);
        var b = ImmutableArray.CreateBuilder<string>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var at = node.Kind == JsonNodeKind.Array && i < node.Items.Length ? node.Items[i] : node;
            if (HostSanitizer.TryClean(raw[i], out var cleaned))
                b.Add(cleaned);
            else
                Error(at, $"host {raw[i]} not valid: invalid host (expected scheme://host[:port] without a path, e.g. \"http://backend:8080\"; set \"disable_host_sanitize\": true on the backend to keep it as written)");
        }
        return b.ToImmutable();
    }

    /// <summary>Go's net.ParseIP: dotted-quad IPv4 (no leading zeros) or IPv6 without zone or brackets.</summary>
    private static bool IsGoIp(string s)
    {
        if (s.Contains(':', StringComparison.Ordinal))
            return !s.Contains('%', StringComparison.Ordinal) && !s.Contains('[', StringComparison.Ordinal) && IPAddress.TryParse(s, out _);
        var parts = s.Split('.');
        if (parts.Length != 4)
            return false;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0'))
                return false;
            foreach (var c in part)
            {
                if (!char.IsAsciiDigit(c))
                    return false;
            }
            if (int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
                return false;
        }
        return true;
    }
}
