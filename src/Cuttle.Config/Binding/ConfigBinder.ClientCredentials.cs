using System.Collections.Frozen;
using System.Collections.Immutable;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private static readonly FrozenSet<string> ClientCredentialsKeys = FrozenSet.ToFrozenSet(
        ["is_disabled", "client_id", "client_secret", "token_url", "scopes", "endpoint_params"], StringComparer.Ordinal);

    /// <summary>
    /// krakend-oauth2-clientcredentials v2.2.0 configGetter: each key is type-asserted (a bool, strings, scopes one
    /// comma-separated string, endpoint_params an object of string lists), and a value of another type panics at
    /// start; here it is an error with its position. A token_url that is not an absolute http(s) URL would fail
    /// every backend call, so it is refused too.
    /// </summary>
    private ClientCredentialsOptions? BindClientCredentials(JsonNode? extra)
    {
        if (Namespace(extra, "auth/client-credentials") is not { } c)
            return null;
        const string ns = "auth/client-credentials";
        LintUnknown(c, ClientCredentialsKeys, $"\"{ns}\"");
        string S(string key)
        {
            if (c[key] is not { } n) return "";
            if (n.Kind == JsonNodeKind.String) return n.Text ?? "";
            Error(n, $"\"{ns}.{key}\" must be a string, got {n.KindName}");
            return "";
        }
        var disabled = false;
        if (c["is_disabled"] is { } d)
        {
            if (d.Kind is JsonNodeKind.True or JsonNodeKind.False) disabled = d.Kind == JsonNodeKind.True;
            else Error(d, $"\"{ns}.is_disabled\" must be true or false, got {d.KindName}");
        }
        var tokenUrl = S("token_url");
        if (!disabled && (!Uri.TryCreate(tokenUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http")))
            Error(c["token_url"] ?? c, $"\"{ns}.token_url\" must be an absolute http(s) URL, got \"{tokenUrl}\"");

        var parameters = ImmutableArray.CreateBuilder<KeyValuePair<string, ImmutableArray<string>>>();
        if (c["endpoint_params"] is { } ep)
        {
            if (ep.Kind != JsonNodeKind.Object)
            {
                Error(ep, $"\"{ns}.endpoint_params\" must be an object of parameter names to lists of strings, got {ep.KindName}");
            }
            else
            {
                foreach (var p in ep.Properties)
                {
                    if (p.Value.Kind != JsonNodeKind.Array)
                    {
                        Error(p.Value, $"\"{ns}.endpoint_params.{p.Name}\" must be a list of strings, got {p.Value.KindName}");
                        continue;
                    }
                    var values = ImmutableArray.CreateBuilder<string>();
                    foreach (var item in p.Value.Items)
                    {
                        if (item.Kind == JsonNodeKind.String) values.Add(item.Text ?? "");
                        else Error(item, $"\"{ns}.endpoint_params.{p.Name}\" must be a list of strings, got {item.KindName} in it");
                    }
                    if (p.Name is "scope")
                        Error(p.Value, $"\"{ns}.endpoint_params\" cannot set \"{p.Name}\": golang.org/x/oauth2 refuses to overwrite it (every token request fails); use \"scopes\"");
                    parameters.Add(new(p.Name, values.ToImmutable()));
                }
            }
        }
        if (disabled)
            return null;
        return new ClientCredentialsOptions
        {
            ClientId = S("client_id"),
            ClientSecret = S("client_secret"),
            TokenUrl = tokenUrl,
            Scopes = [.. S("scopes").Split(',')],
            EndpointParams = parameters.ToImmutable(),
        };
    }
}
