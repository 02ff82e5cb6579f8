using System.Collections.Frozen;
using System.Collections.Immutable;
using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private static readonly FrozenSet<string> EndpointKnown = FrozenSet.ToFrozenSet(
    [
        "endpoint", "method", "backend", "concurrent_calls", "timeout", "cache_ttl", "input_query_strings",
        "input_headers", "output_encoding", "extra_config",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> BackendKnown = FrozenSet.ToFrozenSet(
    [
        "url_pattern", "host", "disable_host_sanitize", "method", "encoding", "is_collection", "group", "target",
        "allow", "deny", "mapping", "sd", "sd_scheme", "input_headers", "input_query_strings", "extra_config",
        "timeout", "concurrent_calls",
    ], StringComparer.Ordinal);

    /// <summary>gin's router in KrakenD only registers these; anything else is logged and skipped.</summary>
    private static readonly FrozenSet<string> RouterMethods = FrozenSet.ToFrozenSet(
        ["GET", "POST", "PUT", "PATCH", "DELETE"], StringComparer.Ordinal);

    private ImmutableArray<EndpointConfig> BindEndpoints(JsonNode? node, GatewayConfig service)
    {
        if (node is null || !ExpectKind(node, JsonNodeKind.Array, "endpoints"))
            return [];
        var result = ImmutableArray.CreateBuilder<EndpointConfig>(node.Items.Length);
        var seen = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var item in node.Items)
        {
            if (item.Kind != JsonNodeKind.Object)
            {
                Error(item, $"each entry of \"endpoints\" must be an object, got {item.KindName}");
                continue;
            }
            var endpoint = BindEndpoint(item, service);
            if (endpoint is null)
                continue;
            if (!RouterMethods.Contains(endpoint.Method))
            {
                Warning(item["method"] ?? item, $"unsupported method {endpoint.Method} for endpoint {endpoint.Endpoint}: KrakenD's router only registers GET, POST, PUT, PATCH and DELETE, so this endpoint is skipped");
                continue;
            }
            var key = endpoint.Method + " " + endpoint.Endpoint;
            if (seen.TryGetValue(key, out var first))
            {
                Error(item["endpoint"] ?? item, $"duplicate endpoint {key}: already defined at line {first.Line} ({first.Path}); each path+method pair may appear once");
                continue;
            }
            seen[key] = item;
            result.Add(endpoint);
        }
        return result.ToImmutable();
    }

    private EndpointConfig? BindEndpoint(JsonNode obj, GatewayConfig service)
    {
        foreach (var p in obj.Properties)
        {
            switch (p.Name)
            {
                case "endpoint" or "method" or "output_encoding": ReadString(p.Value, p.Name, ""); break;
                case "concurrent_calls": ReadInt(p.Value, p.Name, 0); break;
                case "timeout" or "cache_ttl": ReadDuration(p.Value, p.Name, TimeSpan.Zero); break;
                case "input_query_strings" or "input_headers": ReadStringList(p.Value, p.Name); break;
                case "backend": ExpectKind(p.Value, JsonNodeKind.Array, p.Name); break;
            }
        }
        LintUnknown(obj, EndpointKnown, "an endpoint");

        var rawPath = Str(obj, "endpoint", null);
        if (rawPath is null)
        {
            Error(obj, "missing \"endpoint\": every entry of \"endpoints\" needs a path such as \"/users/{id}\"");
            return null;
        }
        var path = UrlParams.CleanPath(rawPath);
        var method = (Str(obj, "method", "") ?? "").ToUpperInvariant();
        if (method.Length == 0)
            method = "GET";
        if (UrlParams.IsInvalidEndpoint(path))
        {
            Error(obj["endpoint"]!, $"ignoring the '{method} {path}' endpoint, since it is invalid!!! (invalid endpoint pattern: paths under /__debug, /__echo and /__health are reserved, and '*' may only be the last character)");
            return null;
        }

        var timeout = Dur(obj, "timeout", TimeSpan.Zero);
        if (timeout == TimeSpan.Zero)
            timeout = service.Timeout;
        var cacheTtl = Dur(obj, "cache_ttl", TimeSpan.Zero);
        if (cacheTtl == TimeSpan.Zero)
            cacheTtl = service.CacheTtl;
        var outputEncoding = Str(obj, "output_encoding", "") ?? "";
        if (outputEncoding.Length == 0)
            outputEncoding = service.OutputEncoding.Length > 0 ? service.OutputEncoding : Encodings.Json;
        var concurrent = Int(obj, "concurrent_calls", 0);
        if (concurrent == 0)
            concurrent = 1;
        else if (concurrent < 0)
            Error(obj["concurrent_calls"]!, $"invalid concurrent_calls {concurrent}: expected a positive number");

        var inputHeaders = obj["input_headers"] is { } ih ? Quiet(() => ReadStringList(ih, "input_headers")) : [];
        var canon = ImmutableArray.CreateBuilder<string>(inputHeaders.Length);
        foreach (var h in inputHeaders)
            canon.Add(HeaderKey.Canonicalize(h));

        var parameters = UrlParams.EndpointParams(path, service.DisableRest);
        var extra = BindExtraConfig(obj["extra_config"], "endpoint");
        var endpoint = new EndpointConfig
        {
            Endpoint = path,
            Method = method,
            ConcurrentCalls = concurrent,
            Timeout = timeout,
            CacheTtl = cacheTtl,
            OutputEncoding = outputEncoding,
            InputHeaders = canon.ToImmutable(),
            InputQueryStrings = obj["input_query_strings"] is { } iq ? Quiet(() => ReadStringList(iq, "input_query_strings")) : [],
            Params = parameters,
            Proxy = BindEndpointProxy(obj["extra_config"]),
            LuaEndpoint = BindLua(obj["extra_config"], "modifier/lua-endpoint"),
            LuaProxy = BindLua(obj["extra_config"], "modifier/lua-proxy"),
            BotDetector = BindBotDetector(obj["extra_config"]),
            JsonSchema = BindJsonSchema(obj["extra_config"]),
            JwtValidator = BindJwtValidator(obj["extra_config"]),
            JwtSigner = BindJwtSigner(obj["extra_config"]),
            Cel = BindCel(obj["extra_config"]),
            RateLimit = BindRateLimitRouter(obj["extra_config"], parameters),
            RedisRateLimit = BindRedisRateLimit(obj["extra_config"], service.Redis),
            Telemetry = BindTelemetryOverride(obj["extra_config"], "endpoint"),
            ExtraConfig = extra,
            Location = Loc(obj),
        };

        var backendNode = obj["backend"];
        var backends = ImmutableArray.CreateBuilder<BackendConfig>();
        if (backendNode is { Kind: JsonNodeKind.Array })
        {
            for (var i = 0; i < backendNode.Items.Length; i++)
            {
                var b = backendNode.Items[i];
                if (b.Kind != JsonNodeKind.Object)
                {
                    Error(b, $"each entry of \"backend\" must be an object, got {b.KindName}");
                    continue;
                }
                if (BindBackend(b, i, endpoint, service) is { } bc)
                    backends.Add(bc);
            }
        }
        if (backendNode is null || backendNode.Kind != JsonNodeKind.Array || backendNode.Items.Length == 0)
        {
            Error(backendNode ?? obj, $"ignoring the '{method} {path}' endpoint, since it has 0 backends defined! Add at least one entry to \"backend\"");
            return null;
        }
        if (outputEncoding == Encodings.NoOp && backendNode.Items.Length > 1)
        {
            Error(obj["output_encoding"] ?? obj, $"can not use NoOp encoding with more than one backends connected to the same endpoint ('{method} {path}' has {backendNode.Items.Length}); use one backend or another output_encoding");
        }
        return endpoint with { Backend = backends.ToImmutable() };
    }

    private BackendConfig? BindBackend(JsonNode obj, int index, EndpointConfig endpoint, GatewayConfig service)
    {
        foreach (var p in obj.Properties)
        {
            switch (p.Name)
            {
                case "url_pattern" or "method" or "encoding" or "group" or "target" or "sd" or "sd_scheme": ReadString(p.Value, p.Name, ""); break;
                case "disable_host_sanitize" or "is_collection": ReadBool(p.Value, p.Name, false); break;
                case "allow" or "deny" or "input_headers" or "input_query_strings": ReadStringList(p.Value, p.Name); break;
                case "mapping": ExpectKind(p.Value, JsonNodeKind.Object, p.Name); break;
                case "timeout" or "concurrent_calls" when _options.Lint:
                    Warning(p, p.Value.Path, $"\"{p.Name}\" at backend level is ignored by KrakenD (the endpoint's value is used); set it on the endpoint");
                    break;
            }
        }
        LintUnknown(obj, BackendKnown, "a backend");

        var urlPattern = UrlParams.CleanPath(Str(obj, "url_pattern", "") ?? "");
        var disableSanitize = Bool(obj, "disable_host_sanitize", false);
        ImmutableArray<string> hosts;
        var hostNode = obj["host"];
        var rawHosts = hostNode is null ? [] : Quiet(() => ReadStringList(hostNode, "host"));
        if (rawHosts.IsEmpty)
            hosts = service.Host;
        else if (disableSanitize)
            hosts = rawHosts;
        else
            hosts = CleanHosts(hostNode, "host");

        // lura initBackendURLMappings: every placeholder must be an endpoint parameter, a sequential {respN_x}
        // or a {JWT.claim}.
        // The message lists both sides sorted and de-duplicated, as lura prints them.
        var outputs = UrlParams.BackendParams(urlPattern).Distinct().Order(StringComparer.Ordinal).ToArray();
        foreach (var output in outputs)
        {
            if (UrlParams.IsSequentialParam(output) || endpoint.Params.Contains(output))
                continue;
            var inputs = endpoint.Params.Distinct().Order(StringComparer.Ordinal);
            Error(obj["url_pattern"] ?? obj,
                $"undefined output param '{output}'! endpoint: {endpoint.Method} {endpoint.Endpoint}, backend: {index}. input: [{string.Join(' ', inputs)}], output: [{string.Join(' ', outputs)}]");
            break;
        }

        var method = (Str(obj, "method", "") ?? "").ToUpperInvariant();
        if (method.Length == 0)
            method = endpoint.Method;
        var encoding = Str(obj, "encoding", "") ?? "";
        if (endpoint.OutputEncoding == Encodings.NoOp)
            encoding = Encodings.NoOp;
        else if (encoding.Length == 0)
            encoding = Encodings.Json;

        var mapping = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        if (obj["mapping"] is { Kind: JsonNodeKind.Object } m)
        {
            foreach (var p in m.Properties)
            {
                if (ReadString(p.Value, p.Name, null) is { } to)
                    mapping.Add(new(p.Name, to));
            }
        }
        var sd = Str(obj, "sd", "") ?? "";

        return new BackendConfig
        {
            Host = hosts,
            UrlPattern = urlPattern,
            Method = method,
            Encoding = encoding,
            Group = NullIfEmpty(Str(obj, "group", null)),
            Target = NullIfEmpty(Str(obj, "target", null)),
            Allow = obj["allow"] is { } al ? Quiet(() => ReadStringList(al, "allow")) : [],
            Deny = obj["deny"] is { } de ? Quiet(() => ReadStringList(de, "deny")) : [],
            Mapping = mapping.ToImmutable(),
            IsCollection = Bool(obj, "is_collection", false),
            Sd = sd.Length == 0 ? "static" : sd,
            SdScheme = Str(obj, "sd_scheme", "http") is { Length: > 0 } scheme ? scheme : "http",
            DnsCacheTtl = service.DnsCacheTtl,
            DisableHostSanitize = disableSanitize,
            InputHeaders = obj["input_headers"] is { } ih ? Quiet(() => ReadStringList(ih, "input_headers")) : [],
            InputQueryStrings = obj["input_query_strings"] is { } iq ? Quiet(() => ReadStringList(iq, "input_query_strings")) : [],
            Proxy = BindBackendProxy(obj["extra_config"]),
            LuaBackend = BindLua(obj["extra_config"], "modifier/lua-backend"),
            Http = BindBackendHttp(obj["extra_config"]) with { SendBodyOnRedirect = BindSendBodyOnRedirect(obj["extra_config"]) },
            Cel = BindCel(obj["extra_config"]),
            CircuitBreaker = BindCircuitBreaker(obj["extra_config"]),
            RateLimit = BindRateLimitProxy(obj["extra_config"]),
            HttpCache = BindHttpCache(obj["extra_config"]),
            Martian = BindMartian(obj["extra_config"]),
            GraphQL = BindGraphQL(obj["extra_config"]),
            ClientCredentials = BindClientCredentials(obj["extra_config"]),
            Telemetry = BindTelemetryOverride(obj["extra_config"], "backend"),
            ExtraConfig = BindExtraConfig(obj["extra_config"], "backend"),
            Location = Loc(obj),
        };
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
