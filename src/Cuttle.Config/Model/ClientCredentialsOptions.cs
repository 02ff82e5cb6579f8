using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."auth/client-credentials" (alias github.com/devopsfaith/krakend-oauth2-clientcredentials), backend
/// level: the backend's requests carry a token from the OAuth2 client-credentials grant (golang.org/x/oauth2
/// clientcredentials). Null on the backend when absent or is_disabled.
/// </summary>
public sealed record ClientCredentialsOptions
{
    public string ClientId { get; init; } = "";
    public string ClientSecret { get; init; } = "";
    public string TokenUrl { get; init; } = "";

    /// <summary>scopes split on "," as the module does ("" is one empty scope, so scope= is sent).</summary>
    public ImmutableArray<string> Scopes { get; init; } = [""];

    /// <summary>Extra form parameters of the token request, each with its values.</summary>
    public ImmutableArray<KeyValuePair<string, ImmutableArray<string>>> EndpointParams { get; init; } = [];
}
