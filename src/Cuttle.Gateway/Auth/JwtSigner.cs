using System.Buffers;
using System.Text;
using Cuttle.Gateway.Codecs;
using Microsoft.IdentityModel.Tokens;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// auth/signer's signing step (krakend-jose SignFields): a value is marshalled as Go's json.Marshal would (sorted
/// keys, HTML escaping) and becomes a JWS whose protected header is go-jose's, keys sorted:
/// {"alg":…,"kid":…,"typ":"JWT"} (typ as configured). Compact by default; with full, go-jose's FullSerialize of a
/// single signature, {"payload":…,"protected":…,"signature":…}. The key is the one with the configured kid in the
/// JWK set (or the first).
/// </summary>
internal sealed class JwtSigner(string alg, string kid, JwkKeySource keys, string typ = "", bool full = false)
{
    private readonly string _header = Base64UrlEncoder.Encode(kid.Length > 0
        ? $$"""{"alg":"{{alg}}","kid":"{{kid}}","typ":{{Quoted(typ.Length > 0 ? typ : "JWT")}}}"""
        : $$"""{"alg":"{{alg}}","typ":{{Quoted(typ.Length > 0 ? typ : "JWT")}}}""");

    private static string Quoted(string s)
    {
        var buffer = new ArrayBufferWriter<byte>();
        GoJsonWriter.WriteString(buffer, s);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

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
        var encodedPayload = Base64UrlEncoder.Encode(payload.WrittenSpan.ToArray());
        var signingInput = _header + "." + encodedPayload;
        var provider = key.CryptoProviderFactory.CreateForSigning(key, alg);
        try
        {
            var signature = Base64UrlEncoder.Encode(provider.Sign(Encoding.ASCII.GetBytes(signingInput)));
            return full
                ? $$"""{"payload":"{{encodedPayload}}","protected":"{{_header}}","signature":"{{signature}}"}"""
                : signingInput + "." + signature;
        }
        finally
        {
            key.CryptoProviderFactory.ReleaseSignatureProvider(provider);
        }
    }
}
