using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private const string MartianNs = "modifier/martian";

    /// <summary>The modifiers each martian name registers, with the phases its Go type implements.</summary>
    private static readonly FrozenDictionary<string, MartianScope> MartianKinds = new Dictionary<string, MartianScope>(StringComparer.Ordinal)
    {
        ["fifo.Group"] = MartianScope.Both,
        ["header.Modifier"] = MartianScope.Both,
        ["header.Append"] = MartianScope.Both,
        ["header.Copy"] = MartianScope.Both,
        ["header.Blacklist"] = MartianScope.Both,
        ["header.RegexFilter"] = MartianScope.Both,
        ["header.Filter"] = MartianScope.Both,
        ["header.Id"] = MartianScope.Request,
        ["querystring.Modifier"] = MartianScope.Request,
        ["url.Modifier"] = MartianScope.Request,
        ["body.Modifier"] = MartianScope.Both,
        ["cookie.Modifier"] = MartianScope.Both,
        ["stash.Modifier"] = MartianScope.Both,
        ["static.Modifier"] = MartianScope.Both,
        ["status.Modifier"] = MartianScope.Response,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Names KrakenD CE registers that Cuttle does not run: refused by name rather than ignored.</summary>
    private static readonly FrozenSet<string> MartianUnsupported = FrozenSet.ToFrozenSet(
    [
        "cookie.Filter", "header.Verifier", "url.Filter", "url.RegexFilter", "url.Verifier", "port.Filter", "port.Modifier",
        "priority.Group", "querystring.Filter", "querystring.Verifier", "status.Verifier",
    ], StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, FrozenSet<string>> MartianKeys = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["fifo.Group"] = ["scope", "modifiers", "aggregateErrors"],
        ["header.Modifier"] = ["scope", "name", "value"],
        ["header.Append"] = ["scope", "name", "value"],
        ["header.Copy"] = ["scope", "from", "to"],
        ["header.Blacklist"] = ["scope", "names"],
        ["header.RegexFilter"] = ["scope", "header", "regex", "modifier"],
        ["header.Filter"] = ["scope", "name", "value", "modifier", "else"],
        ["header.Id"] = ["scope", "header"],
        ["querystring.Modifier"] = ["scope", "name", "value"],
        ["url.Modifier"] = ["scope", "scheme", "host", "path", "query"],
        ["body.Modifier"] = ["scope", "contentType", "body"],
        ["cookie.Modifier"] = ["scope", "name", "value", "path", "domain", "expires", "secure", "httpOnly", "maxAge"],
        ["stash.Modifier"] = ["scope", "headerName"],
        ["static.Modifier"] = ["scope", "rootPath", "explicitPaths"],
        ["status.Modifier"] = ["scope", "statusCode"],
    }.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>
    /// krakend-martian's ConfigGetter: martian's parse.FromJSON on the block, which must hold exactly one modifier.
    /// KrakenD logs a parse failure (an unknown modifier, a bad regex, bad base64, a wrong type) and runs the backend
    /// without any of the modifiers; Cuttle refuses the configuration, naming the modifier and its position.
    /// </summary>
    private MartianOptions? BindMartian(JsonNode? extra)
    {
        if (RawNamespace(extra, MartianNs) is not { } block)
            return null;
        if (block.Kind != JsonNodeKind.Object)
        {
            Error(block, $"\"{MartianNs}\" must be an object holding one modifier, got {block.KindName}");
            return null;
        }
        var root = BindMartianModifier(block, MartianNs);
        return root is null ? null : new MartianOptions { Root = root, Location = Loc(block) };
    }

    /// <summary>parse.FromJSON: an object with exactly one key, the modifier's registered name.</summary>
    private MartianModifier? BindMartianModifier(JsonNode holder, string where)
    {
        if (holder.Kind != JsonNodeKind.Object)
        {
            Error(holder, $"{where} must be an object holding one martian modifier, got {holder.KindName}");
            return null;
        }
        if (holder.Properties.Length != 1)
        {
            var names = string.Join(", ", holder.Properties.Select(p => p.Name));
            Error(holder, $"{where} must hold exactly one martian modifier, got {holder.Properties.Length}{(names.Length > 0 ? ": " + names : "")}");
            return null;
        }
        var (kind, body) = (holder.Properties[0].Name, holder.Properties[0].Value);
        if (MartianUnsupported.Contains(kind))
        {
            Error(body, $"martian modifier \"{kind}\" in {where} is not supported by Cuttle (supported: {string.Join(", ", MartianKinds.Keys.Order(StringComparer.Ordinal))})");
            return null;
        }
        if (!MartianKinds.TryGetValue(kind, out var implemented))
        {
            Error(body, $"unknown martian modifier \"{kind}\" in {where} (martian: parse: unknown modifier: {kind}); known: {string.Join(", ", MartianKinds.Keys.Order(StringComparer.Ordinal))}");
            return null;
        }
        if (body.Kind != JsonNodeKind.Object)
        {
            Error(body, $"martian modifier \"{kind}\" must be an object, got {body.KindName}");
            return null;
        }
        LintUnknown(body, MartianKeys[kind], $"martian modifier \"{kind}\"");
        var at = $"{kind}";
        var scope = MartianScopeOf(body, kind, implemented);
        string S(string key) => MartianString(body, key, at);
        var loc = Loc(body);
        MartianModifier? result;
        switch (kind)
        {
            case "fifo.Group":
            {
                var list = ImmutableArray.CreateBuilder<MartianModifier>();
                if (body["modifiers"] is { Kind: not JsonNodeKind.Null } mods)
                {
                    if (mods.Kind != JsonNodeKind.Array)
                    {
                        Error(mods, $"\"{at}.modifiers\" must be a list of modifiers, got {mods.KindName}");
                    }
                    else
                    {
                        for (var i = 0; i < mods.Items.Length; i++)
                        {
                            if (BindMartianModifier(mods.Items[i], $"{at}.modifiers[{i}]") is { } m) list.Add(m);
                        }
                    }
                }
                result = new MartianGroup { Kind = kind, Modifiers = list.ToImmutable(), AggregateErrors = MartianBool(body, "aggregateErrors", at) };
                break;
            }
            case "header.Modifier" or "header.Append":
                result = new MartianHeader { Kind = kind, Name = MartianHeaderName(body, "name", at), Value = S("value"), Append = kind == "header.Append" };
                break;
            case "header.Copy":
                result = new MartianHeaderCopy { Kind = kind, From = MartianHeaderName(body, "from", at), To = MartianHeaderName(body, "to", at) };
                break;
            case "header.Blacklist":
            {
                var names = ImmutableArray.CreateBuilder<string>();
                if (body["names"] is { Kind: not JsonNodeKind.Null } n)
                {
                    if (n.Kind != JsonNodeKind.Array) Error(n, $"\"{at}.names\" must be a list of strings, got {n.KindName}");
                    else
                    {
                        foreach (var item in n.Items)
                        {
                            if (item.Kind == JsonNodeKind.String) names.Add(HeaderKey.Canonicalize(item.Text!));
                            else if (item.Kind != JsonNodeKind.Null) Error(item, $"\"{at}.names\" must be a list of strings, got {item.KindName} in it");
                        }
                    }
                }
                result = new MartianHeaderBlacklist { Kind = kind, Names = names.ToImmutable() };
                break;
            }
            case "header.Id":
            {
                var header = S("header");
                result = new MartianHeaderId { Kind = kind, Header = HeaderKey.Canonicalize(header.Length == 0 ? "X-Krakend-Id" : header) };
                break;
            }
            case "header.RegexFilter":
            {
                var regex = S("regex");
                if (body["regex"] is { } rn && PatternError(regex) is { } problem)
                    Error(rn, $"\"{at}.regex\" is not a valid regular expression: {problem}");
                var inner = MartianNested(body, "modifier", at);
                result = inner is null ? null : new MartianHeaderRegexFilter { Kind = kind, Header = S("header"), Regex = regex, Modifier = inner };
                break;
            }
            case "header.Filter":
            {
                var inner = MartianNested(body, "modifier", at);
                // martian reads "else" only when it is present (a JSON null is a present, unparsable modifier).
                var otherwise = body["else"] is { } e ? BindMartianModifier(e, $"{at}.else") : null;
                result = inner is null ? null : new MartianHeaderFilter { Kind = kind, Name = MartianHeaderName(body, "name", at), Value = S("value"), Modifier = inner, Else = otherwise };
                break;
            }
            case "querystring.Modifier":
                result = new MartianQueryString { Kind = kind, Name = S("name"), Value = S("value") };
                break;
            case "url.Modifier":
                result = new MartianUrl { Kind = kind, Scheme = S("scheme"), Host = S("host"), Path = S("path"), Query = S("query") };
                break;
            case "body.Modifier":
            {
                var encoded = S("body");
                byte[] bytes = [];
                // encoding/json decodes a []byte field with base64.StdEncoding, which skips CR and LF.
                var clean = encoded.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
                try
                {
                    bytes = Convert.FromBase64String(clean);
                }
                catch (FormatException)
                {
                    Error(body["body"]!, $"\"{at}.body\" must be base64 (standard alphabet, padded): the body to send, encoded");
                }
                result = new MartianBody { Kind = kind, Body = [.. bytes], ContentType = S("contentType") };
                break;
            }
            case "cookie.Modifier":
            {
                DateTimeOffset? expires = null;
                if (body["expires"] is { Kind: not JsonNodeKind.Null } ex)
                {
                    // time.Time's UnmarshalJSON: an RFC 3339 string.
                    if (ex.Kind == JsonNodeKind.String && DateTimeOffset.TryParse(ex.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                        && ex.Text!.Contains('T', StringComparison.Ordinal))
                        expires = t.Year <= 1 ? null : t;
                    else
                        Error(ex, $"\"{at}.expires\" must be an RFC 3339 time such as \"2030-01-02T15:04:05Z\", got {ex.KindName}");
                }
                result = new MartianCookie
                {
                    Kind = kind, Name = S("name"), Value = S("value"), Path = S("path"), Domain = S("domain"), Expires = expires,
                    Secure = MartianBool(body, "secure", at), HttpOnly = MartianBool(body, "httpOnly", at), MaxAge = MartianInt(body, "maxAge", at),
                };
                break;
            }
            case "stash.Modifier":
                // martian: "to write header on a response, specify scope as both request and response".
                if (scope == MartianScope.Response)
                    Error(body, $"\"{at}\": to write the header on a response, the scope must be both request and response");
                result = new MartianStash { Kind = kind, HeaderName = MartianHeaderName(body, "headerName", at) };
                break;
            case "static.Modifier":
            {
                var paths = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
                if (body["explicitPaths"] is { Kind: not JsonNodeKind.Null } ep)
                {
                    if (ep.Kind != JsonNodeKind.Object) Error(ep, $"\"{at}.explicitPaths\" must be an object of request path to file path, got {ep.KindName}");
                    else
                    {
                        foreach (var p in ep.Properties)
                        {
                            if (p.Value.Kind == JsonNodeKind.String) paths[p.Name] = p.Value.Text!;
                            else Error(p.Value, $"\"{at}.explicitPaths.{p.Name}\" must be a string, got {p.Value.KindName}");
                        }
                    }
                }
                result = new MartianStatic { Kind = kind, RootPath = S("rootPath"), ExplicitPaths = paths.ToImmutable() };
                break;
            }
            case "status.Modifier":
                result = new MartianStatus { Kind = kind, StatusCode = MartianInt(body, "statusCode", at) };
                break;
            default:
                result = null;
                break;
        }
        if (result is null) return null;
        return result with { Scope = scope, Location = loc };
    }

    /// <summary>
    /// martian's parse.NewResult: no "scope" (or null) is every phase the modifier has; a listed phase must be one it
    /// has ("parse: invalid scope"); an empty list is none.
    /// </summary>
    private MartianScope MartianScopeOf(JsonNode body, string kind, MartianScope implemented)
    {
        if (body["scope"] is not { Kind: not JsonNodeKind.Null } s) return implemented;
        if (s.Kind != JsonNodeKind.Array)
        {
            Error(s, $"\"{kind}.scope\" must be a list such as [\"request\", \"response\"], got {s.KindName}");
            return implemented;
        }
        var scope = MartianScope.None;
        foreach (var item in s.Items)
        {
            var phase = item.Kind == JsonNodeKind.String ? item.Text switch { "request" => MartianScope.Request, "response" => MartianScope.Response, _ => MartianScope.None } : MartianScope.None;
            if (phase == MartianScope.None)
                Error(item, $"\"{kind}.scope\": invalid scope {item.KindName}, want \"request\" or \"response\"");
            else if ((implemented & phase) == 0)
                Error(item, $"\"{kind}.scope\": {kind} has no {item.Text} phase (martian: parse: invalid scope \"{item.Text}\" for modifier)");
            else
                scope |= phase;
        }
        return scope;
    }

    private MartianModifier? MartianNested(JsonNode body, string key, string at)
    {
        if (body[key] is not { } n)
        {
            Error(body, $"\"{at}\" needs a \"{key}\": the modifier to run when it matches");
            return null;
        }
        return BindMartianModifier(n, $"{at}.{key}");
    }

    /// <summary>encoding/json into a string field: a string or null ("" then); anything else is an error.</summary>
    private string MartianString(JsonNode body, string key, string at)
    {
        if (body[key] is not { } n || n.Kind == JsonNodeKind.Null) return "";
        if (n.Kind == JsonNodeKind.String) return n.Text!;
        Error(n, $"\"{at}.{key}\" must be a string, got {n.KindName}");
        return "";
    }

    private string MartianHeaderName(JsonNode body, string key, string at)
    {
        var name = HeaderKey.Canonicalize(MartianString(body, key, at));
        // proxyutil.Header turns these into the request's Host, ContentLength and TransferEncoding fields, which the
        // backend client owns here; refused rather than sent as a second, conflicting field.
        if (name is "Host" or "Content-Length" or "Transfer-Encoding")
            Error(body[key]!, $"\"{at}.{key}\": {name} is set by the backend client and cannot be changed by a martian modifier in Cuttle");
        return name;
    }

    private bool MartianBool(JsonNode body, string key, string at)
    {
        if (body[key] is not { } n || n.Kind == JsonNodeKind.Null) return false;
        if (n.Kind is JsonNodeKind.True or JsonNodeKind.False) return n.Kind == JsonNodeKind.True;
        Error(n, $"\"{at}.{key}\" must be a boolean (true or false), got {n.KindName}");
        return false;
    }

    private int MartianInt(JsonNode body, string key, string at)
    {
        if (body[key] is not { } n || n.Kind == JsonNodeKind.Null) return 0;
        if (n.Kind == JsonNodeKind.Number && int.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        Error(n, $"\"{at}.{key}\" must be an integer, got {n.KindName}");
        return 0;
    }
}
