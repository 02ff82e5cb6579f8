using Microsoft.IdentityModel.Tokens;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// The keys of one auth/validator or auth/signer: a JWK set from jwk_url (fetched on first use, so the gateway starts
/// while the identity provider is still down) or jwk_local_path (read at build time). The set is an immutable
/// snapshot behind one volatile reference; it is refetched when older than the cache duration (cache: true) or
/// when a token names a kid the set lacks, at most once per second (krakend-jose failed_jwk_key_cooldown).
/// </summary>
internal sealed class JwkKeySource
{
    private static readonly TimeSpan UnknownKidCooldown = TimeSpan.FromSeconds(1);

    private readonly Uri? _url;
    private readonly HttpMessageInvoker _client;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _maxAge;
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IList<SecurityKey> Keys, long FetchedAt);

    public JwkKeySource(string? url, string? localPath, HttpMessageInvoker client, TimeProvider time, TimeSpan? maxAge)
    {
        _client = client;
        _time = time;
        _maxAge = maxAge;
        if (localPath is not null)
        {
            string json;
            try
            {
                json = File.ReadAllText(localPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new GatewayBuildException($"cannot read jwk_local_path \"{localPath}\": {ex.Message}");
            }
            _snapshot = new Snapshot(Parse(json, localPath), long.MaxValue);
            return;
        }
        if (url is not null) _url = new Uri(url);
    }

    /// <summary>
    /// The key a token names by kid, or null. krakend-jose (key_identify_strategy "kid") looks the token's kid up in
    /// the set as a map key: a token without kid finds only a key without kid, an unknown kid finds nothing, and no
    /// other key of the set is tried, even when the set has a single key. Two keys with one kid: the last one wins.
    /// </summary>
    public async ValueTask<SecurityKey?> FindAsync(string kid, CancellationToken cancellationToken)
    {
        var keys = await GetKeysAsync(kid, cancellationToken).ConfigureAwait(false);
        SecurityKey? found = null;
        foreach (var k in keys) if (KidOf(k) == kid) found = k;
        return found;
    }

    /// <summary>
    /// The current keys; refreshed first when stale or when <paramref name="kid"/> is not among them ("" stands for
    /// a key without kid; null for no kid requirement).
    /// </summary>
    public async ValueTask<IList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        var current = _snapshot;
        if (current is not null && (_url is null || (!IsStale(current) && (kid is null || Has(current.Keys, kid)
            || _time.GetElapsedTime(current.FetchedAt) < UnknownKidCooldown))))
            return current.Keys;

        if (_url is null) throw new JwkUnavailableException("no jwk_url or jwk_local_path configured");
        await _fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have refreshed the set while this one waited.
            current = _snapshot;
            if (current is not null && !IsStale(current) && (kid is null || Has(current.Keys, kid)
                || _time.GetElapsedTime(current.FetchedAt) < UnknownKidCooldown))
                return current.Keys;
            using var request = new HttpRequestMessage(HttpMethod.Get, _url);
            using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new JwkUnavailableException($"JWK set {_url} answered {(int)response.StatusCode}");
            var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var fresh = new Snapshot(Parse(json, _url!.ToString()), _time.GetTimestamp());
            _snapshot = fresh;
            return fresh.Keys;
        }
        finally
        {
            _fetch.Release();
        }
    }

    private bool IsStale(Snapshot s) => _maxAge is { } max && _time.GetElapsedTime(s.FetchedAt) > max;

    private static bool Has(IList<SecurityKey> keys, string kid)
    {
        foreach (var k in keys) if (KidOf(k) == kid) return true;
        return false;
    }

    /// <summary>go-jose JSONWebKey.KeyID: an absent kid is "".</summary>
    private static string KidOf(SecurityKey key) => key.KeyId ?? "";

    private static IList<SecurityKey> Parse(string json, string from)
    {
        try
        {
            var set = new JsonWebKeySet(json) { SkipUnresolvedJsonWebKeys = true };
            // Symmetric ("oct") keys become HMAC keys here; RSA and EC keys come from GetSigningKeys.
            var keys = new List<SecurityKey>(set.Keys.Count);
            foreach (var k in set.Keys)
            {
                if (k.Kty == JsonWebAlgorithmsKeyTypes.Octet && !string.IsNullOrEmpty(k.K))
                    keys.Add(new SymmetricSecurityKey(Base64UrlEncoder.DecodeBytes(k.K)) { KeyId = k.Kid });
            }
            foreach (var k in set.GetSigningKeys())
            {
                if (k is not SymmetricSecurityKey && !(k is JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.Octet })) keys.Add(k);
            }
            return keys;
        }
        catch (ArgumentException ex)
        {
            throw new JwkUnavailableException($"JWK set {from} is not valid: {ex.Message}");
        }
    }
}

/// <summary>The JWK set could not be fetched or parsed; requests needing it are answered 401 (signer: 400).</summary>
internal sealed class JwkUnavailableException(string message) : Exception(message);
