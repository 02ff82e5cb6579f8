using System.Buffers;
using System.Text;
using Cuttle.Gateway.Codecs;
using Microsoft.IdentityModel.Tokens;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// auth/signer's signing step (krakend-jose SignFields): a value is marshalled as Go's json.Marshal would (sorted
/// keys, HTML escaping) and becomes a compact JWS whose protected header is go-jose's, keys sorted:
/// {"alg":…,"kid":…,"typ":"JWT"}. The key is the one with the configured kid in the JWK set (or the first).
/// </summary>
internal sealed class JwtSigner(string alg, string kid, JwkKeySource keys)
{
    private readonly string _header = Base64UrlEncoder.Encode(kid.Length > 0
        ? $$"""{"alg":"{{alg}}","kid":"{{kid}}","typ":"JWT"}"""
        : $$"""{"alg":"{{alg}}","typ":"JWT"}""");

    public async ValueTask<string> SignAsync(object? value, CancellationToken cancellationToken)
    {
        var all = await keys.GetKeysAsync(kid.Length > 0 ? kid : null, cancellationToken).ConfigureAwait(false);
        SecurityKey? key = null;
        foreach (var k in all)
        {
            if (kid.Length == 0 || k.KeyId == kid) { key = k; break; }
        }
        if (key is null) throw new JwkUnavailableException($"no key with kid \"{kid}\" in the JWK set");

        var payload = new ArrayBufferWriter<byte>();
        GoJsonWriter.Write(payload, value);
        var signingInput = _header + "." + Base64UrlEncoder.Encode(payload.WrittenSpan.ToArray());
        var provider = key.CryptoProviderFactory.CreateForSigning(key, alg);
        try
        {
            var signature = provider.Sign(Encoding.ASCII.GetBytes(signingInput));
            return signingInput + "." + Base64UrlEncoder.Encode(signature);
        }
        finally
        {
            key.CryptoProviderFactory.ReleaseSignatureProvider(provider);
        }
    }
}
