using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// auth/client-credentials: golang.org/x/oauth2's clientcredentials token source behind a ReuseTokenSource, which
/// krakend-oauth2-clientcredentials makes the backend's transport. The token is fetched on the first request and
/// reused until ten seconds before expires_in runs out (no expires_in: never refreshed); one fetch runs at a time and
/// waiting requests share it. The request is a POST form (grant_type=client_credentials, scope joined by spaces,
/// endpoint_params) with the client's credentials first as HTTP Basic (url-escaped), and, when the token endpoint
/// answers an error, once more in the form (AuthStyleAutoDetect), the style that worked being remembered. A fetch
/// that fails (endpoint down, non-2xx, no access_token) fails the backend request, as the Go transport's error does.
/// </summary>
internal sealed partial class ClientCredentialsTokenSource(ClientCredentialsOptions options, HttpMessageInvoker client, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan ExpiryDelta = TimeSpan.FromSeconds(10); // oauth2's defaultExpiryDelta

    private readonly SemaphoreSlim _fetch = new(1, 1);
    private volatile Token? _token;
    private int _authStyle; // 0 unknown, 1 header, 2 params

    private sealed record Token(string Authorization, DateTimeOffset? Expiry);

    /// <summary>The Authorization header value for the next backend request.</summary>
    public async ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken)
    {
        if (_token is { } current && IsValid(current)) return current.Authorization;
        await _fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is { } again && IsValid(again)) return again.Authorization;
            // x/oauth2 fetches with context.Background: a client that goes away does not cancel the fetch.
            var fresh = await FetchAsync().ConfigureAwait(false);
            _token = fresh;
            return fresh.Authorization;
        }
        finally
        {
            _fetch.Release();
        }
    }

    private bool IsValid(Token token) => token.Expiry is not { } expiry || expiry - ExpiryDelta >= time.GetUtcNow();

    private async Task<Token> FetchAsync()
    {
        var style = Volatile.Read(ref _authStyle);
        if (style != 0) return await RoundTripAsync(style == 1).ConfigureAwait(false);
        try
        {
            var token = await RoundTripAsync(inHeader: true).ConfigureAwait(false);
            Volatile.Write(ref _authStyle, 1);
            return token;
        }
        catch (HttpRequestException)
        {
            var token = await RoundTripAsync(inHeader: false).ConfigureAwait(false);
            Volatile.Write(ref _authStyle, 2);
            return token;
        }
    }

    private async Task<Token> RoundTripAsync(bool inHeader)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        form.Add(new("scope", string.Join(' ', options.Scopes)));
        foreach (var (name, values) in options.EndpointParams)
        {
            if (name == "grant_type") form.RemoveAll(p => p.Key == "grant_type");
            foreach (var v in values) form.Add(new(name, v));
        }
        if (!inHeader)
        {
            form.Add(new("client_id", options.ClientId));
            if (options.ClientSecret.Length > 0) form.Add(new("client_secret", options.ClientSecret));
        }
        // url.Values.Encode: keys sorted, each value in order.
        form.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var body = new StringBuilder();
        foreach (var (k, v) in form)
        {
            if (body.Length > 0) body.Append('&');
            body.Append(Uri.EscapeDataString(k).Replace("%20", "+", StringComparison.Ordinal)).Append('=')
                .Append(Uri.EscapeDataString(v).Replace("%20", "+", StringComparison.Ordinal));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenUrl)
        {
            Content = new StringContent(body.ToString(), Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        if (inHeader)
        {
            var basic = Uri.EscapeDataString(options.ClientId).Replace("%20", "+", StringComparison.Ordinal) + ":"
                + Uri.EscapeDataString(options.ClientSecret).Replace("%20", "+", StringComparison.Ordinal);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            Log.Failed(logger, options.TokenUrl, ex.Message);
            throw new HttpRequestException($"oauth2: cannot fetch token: {ex.Message}", ex);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                Log.Failed(logger, options.TokenUrl, $"status {status}");
                throw new HttpRequestException($"oauth2: \"{status}\" response from the token endpoint");
            }
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            string? accessToken = null, tokenType = null;
            long expiresIn = 0;
            if (mediaType is "application/x-www-form-urlencoded" or "text/plain")
            {
                foreach (var pair in text.Split('&'))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
                    var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
                    if (key == "access_token") accessToken ??= value;
                    else if (key == "token_type") tokenType ??= value;
                    else if (key == "expires_in" && long.TryParse(value, out var e)) expiresIn = e;
                }
            }
            else
            {
                try
                {
                    using var json = JsonDocument.Parse(text);
                    var root = json.RootElement;
                    if (root.ValueKind == JsonValueKind.Object)
                    {
                        if (root.TryGetProperty("access_token", out var at)) accessToken = at.ValueKind == JsonValueKind.String ? at.GetString() : throw new JsonException("access_token is not a string");
                        if (root.TryGetProperty("token_type", out var tt) && tt.ValueKind == JsonValueKind.String) tokenType = tt.GetString();
                        if (root.TryGetProperty("expires_in", out var ei))
                        {
                            // expirationTime: a number or a numeric string, capped at MaxInt32.
                            if (ei.ValueKind == JsonValueKind.Number && ei.TryGetInt64(out var n)) expiresIn = n;
                            else if (ei.ValueKind == JsonValueKind.String && long.TryParse(ei.GetString(), out var s)) expiresIn = s;
                            else if (ei.ValueKind != JsonValueKind.Null) throw new JsonException("expires_in is not a number");
                            expiresIn = Math.Min(expiresIn, int.MaxValue);
                        }
                    }
                }
                catch (JsonException ex)
                {
                    Log.Failed(logger, options.TokenUrl, ex.Message);
                    throw new HttpRequestException("oauth2: cannot parse json: " + ex.Message, ex);
                }
            }
            if (string.IsNullOrEmpty(accessToken))
            {
                Log.Failed(logger, options.TokenUrl, "server response missing access_token");
                throw new HttpRequestException("oauth2: server response missing access_token");
            }
            // Token.Type(): "bearer" in any case is "Bearer", as are "mac" → "MAC" and "basic" → "Basic"; empty is "Bearer".
            var type = tokenType switch
            {
                null or "" => "Bearer",
                _ when tokenType.Equals("bearer", StringComparison.OrdinalIgnoreCase) => "Bearer",
                _ when tokenType.Equals("mac", StringComparison.OrdinalIgnoreCase) => "MAC",
                _ when tokenType.Equals("basic", StringComparison.OrdinalIgnoreCase) => "Basic",
                _ => tokenType,
            };
            return new Token(type + " " + accessToken, expiresIn != 0 ? time.GetUtcNow().AddSeconds(expiresIn) : null);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ClientCredentialsFailed, Level = LogLevel.Warning, Message = "[BACKEND][OAuth2] cannot fetch a token from {TokenUrl}: {Error}")]
        public static partial void Failed(ILogger logger, string tokenUrl, string error);
    }
}

/// <summary>
/// The backend transport of a backend with auth/client-credentials: each request (every redirect hop too, as the Go
/// transport sees each) carries the token's Authorization header in place of any the client sent.
/// </summary>
internal sealed class ClientCredentialsHandler(HttpMessageInvoker inner, ClientCredentialsTokenSource tokens) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var authorization = await tokens.AuthorizationAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await inner.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
