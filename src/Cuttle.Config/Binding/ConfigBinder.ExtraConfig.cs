using System.Collections.Immutable;
using System.Text.Json;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private ExtraConfig BindExtraConfig(JsonNode? node, string level)
    {
        if (node is null || !ExpectKind(node, JsonNodeKind.Object, "extra_config"))
            return ExtraConfig.Empty;
        var b = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in node.Properties)
        {
            var name = KnownNamespaces.Normalize(p.Name);
            b[name] = Element(p.Value);
            if (KnownNamespaces.IsKnown(name))
            {
                if (_options.ImplementedNamespaces is { } implemented && !implemented.Contains(name))
                    Warning(p, p.Value.Path, $"namespace {name} is not implemented by Cuttle and is ignored{InsteadOfNamespace(name)}");
            }
            else if (_options.Lint && !IsCommentKey(p.Name) && p.Name != RateLimitHeadersNamespace)
            {
                Warning(p, p.Value.Path, $"unknown {level} namespace \"{p.Name}\": not a KrakenD CE namespace (an Enterprise feature or a typo?), ignored");
            }
        }
        return new ExtraConfig(b.ToImmutable());
    }

    /// <summary>The namespace object under either spelling (the last one written wins, as in a JSON map).</summary>
    private static JsonNode? Namespace(JsonNode? extra, string shortName) =>
        RawNamespace(extra, shortName) is { Kind: JsonNodeKind.Object } found ? found : null;

    /// <summary>
    /// The namespace's value under either spelling, whatever its kind (null when absent; the last one written wins),
    /// for binders that report a value of the wrong kind themselves.
    /// </summary>
    private static JsonNode? RawNamespace(JsonNode? extra, string shortName)
    {
        if (extra is not { Kind: JsonNodeKind.Object })
            return null;
        JsonNode? found = null;
        foreach (var p in extra.Properties)
        {
            if (KnownNamespaces.Normalize(p.Name) == shortName)
                found = p.Value;
        }
        return found;
    }

    private RouterOptions BindRouter(JsonNode? extra)
    {
        if (Namespace(extra, "router") is not { } r)
            return RouterOptions.Default;
        bool B(string key) => r[key] is { } n && ReadBool(n, "router." + key, false, asError: false);

        JsonElement? e404 = null, e405 = null;
        if (r["error_body"] is { Kind: JsonNodeKind.Object } eb)
        {
            if (eb["404"] is { } n404)
                e404 = Element(n404);
            if (eb["405"] is { } n405)
                e405 = Element(n405);
        }
        var health = r["health_path"] is { } hp ? ReadString(hp, "router.health_path", null, asError: false) : null;
        return new RouterOptions
        {
            ReturnErrorMsg = B("return_error_msg"),
            DisableRedirectTrailingSlash = B("disable_redirect_trailing_slash"),
            DisableRedirectFixedPath = B("disable_redirect_fixed_path"),
            DisableHandleMethodNotAllowed = B("disable_handle_method_not_allowed"),
            AutoOptions = B("auto_options"),
            DisableHealth = B("disable_health"),
            HealthPath = string.IsNullOrEmpty(health) ? "/__health" : UrlParams.CleanPath(health),
            HideVersionHeader = B("hide_version_header"),
            DisablePathDecoding = B("disable_path_decoding"),
            DisableAccessLog = B("disable_access_log"),
            LoggerSkipPaths = r["logger_skip_paths"] is { } lsp ? ReadStringList(lsp, "router.logger_skip_paths", asError: false) : [],
            RemoveExtraSlash = B("remove_extra_slash"),
            ForwardedByClientIp = r["forwarded_by_client_ip"] is not { } fwd || ReadBool(fwd, "router.forwarded_by_client_ip", true, asError: false),
            RemoteIpHeaders = BindRemoteIpHeaders(r["remote_ip_headers"]),
            TrustedProxies = BindTrustedProxies(r["trusted_proxies"]),
            AppEngine = B("app_engine"),
            ErrorBody404 = e404,
            ErrorBody405 = e405,
        };
    }

    private EndpointProxyOptions BindEndpointProxy(JsonNode? extra)
    {
        if (Namespace(extra, "proxy") is not { } p)
            return EndpointProxyOptions.Default;
        return new EndpointProxyOptions
        {
            Sequential = p["sequential"] is { } s && ReadBool(s, "proxy.sequential", false, asError: false),
            SequentialPropagatedParams = p["sequential_propagated_params"] is { } spp
                ? ReadStringList(spp, "proxy.sequential_propagated_params", asError: false) : [],
            Static = BindStatic(p["static"]),
            FlatmapFilter = BindFlatmap(p["flatmap_filter"]),
        };
    }

    private BackendProxyOptions BindBackendProxy(JsonNode? extra)
    {
        if (Namespace(extra, "proxy") is not { } p)
            return BackendProxyOptions.Default;
        return new BackendProxyOptions
        {
            FlatmapFilter = BindFlatmap(p["flatmap_filter"]),
            Shadow = p["shadow"] is { } s && ReadBool(s, "proxy.shadow", false, asError: false),
            ShadowTimeout = p["shadow_timeout"] is { } st ? ReadDuration(st, "proxy.shadow_timeout", TimeSpan.Zero, asError: false) : TimeSpan.Zero,
        };
    }

    private BackendHttpOptions BindBackendHttp(JsonNode? extra)
    {
        if (Namespace(extra, "backend/http") is not { } h)
            return BackendHttpOptions.Default;
        var details = h["return_error_details"] is { } d ? ReadString(d, "backend/http.return_error_details", null, asError: false) : null;
        return new BackendHttpOptions
        {
            ReturnErrorDetails = string.IsNullOrEmpty(details) ? null : details,
            ReturnErrorCode = h["return_error_code"] is { } c && ReadBool(c, "backend/http.return_error_code", false, asError: false),
        };
    }

    /// <summary>
    /// lura proxy/static.go: <c>data</c> must be an object, <c>strategy</c> defaults to "always"; an unknown strategy
    /// disables the static data altogether.
    /// </summary>
    private StaticResponseOptions? BindStatic(JsonNode? node)
    {
        if (node is null || !ExpectKind(node, JsonNodeKind.Object, "proxy.static", asError: false))
            return null;
        var data = node["data"];
        if (data is not { Kind: JsonNodeKind.Object })
        {
            Warning(data ?? node, "proxy.static.data must be a JSON object; the static response is ignored");
            return null;
        }
        var strategyNode = node["strategy"];
        var name = strategyNode is { Kind: JsonNodeKind.String } ? strategyNode.Text! : "always";
        StaticStrategy strategy;
        switch (name)
        {
            case "always": strategy = StaticStrategy.Always; break;
            case "success": strategy = StaticStrategy.Success; break;
            case "complete": strategy = StaticStrategy.Complete; break;
            case "errored": strategy = StaticStrategy.Errored; break;
            case "incomplete": strategy = StaticStrategy.Incomplete; break;
            default:
                Warning(strategyNode!, $"unknown proxy.static.strategy \"{name}\" (expected always, success, complete, errored or incomplete); KrakenD ignores the static response");
                return null;
        }
        return new StaticResponseOptions(strategy, Element(data));
    }

    /// <summary>lura proxy/formatter.go: a list of {type, args}; malformed entries are skipped.</summary>
    private ImmutableArray<FlatmapOperation> BindFlatmap(JsonNode? node)
    {
        if (node is null || !ExpectKind(node, JsonNodeKind.Array, "proxy.flatmap_filter", asError: false))
            return [];
        var b = ImmutableArray.CreateBuilder<FlatmapOperation>();
        foreach (var item in node.Items)
        {
            var type = item["type"] is { Kind: JsonNodeKind.String } t ? t.Text! : null;
            var args = item["args"] is { Kind: JsonNodeKind.Array } a ? ReadStringList(a, "args", asError: false) : [];
            var need = type switch { "move" or "append" => 2, "del" => 1, _ => -1 };
            if (item.Kind != JsonNodeKind.Object || need < 0)
            {
                Warning(item, "flatmap_filter operation needs \"type\" move, append or del; this operation is ignored");
                continue;
            }
            if (args.Length < need)
            {
                Warning(item, $"flatmap_filter \"{type}\" needs {need} argument(s) in \"args\"; this operation is ignored");
                continue;
            }
            b.Add(new FlatmapOperation(type!, args));
        }
        return b.ToImmutable();
    }
}
