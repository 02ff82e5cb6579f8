using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Auth;

/// <summary>The CE fixture's symmetric JWK set (kid sim2 is the HS256 key its tokens are signed with).</summary>
internal static class JwtTestKeys
{
    public const string Set = """
        {"keys": [
          {"kty": "oct", "alg": "A128KW", "k": "GawgguFyGrWKav7AX4VKUg", "kid": "sim1"},
          {"kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow", "kid": "sim2", "alg": "HS256"}
        ]}
        """;

    /// <summary>The HS256 key of kid sim2.</summary>
    public static byte[] Sim2Key => Base64Url.DecodeFromChars("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");

    /// <summary>A compact HS256 JWS with exactly the header given, so a test controls kid (or its absence).</summary>
    public static string Hs256(string headerJson, string claimsJson, byte[] key)
    {
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(headerJson)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claimsJson));
        return input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>Serves <see cref="Set"/> and counts the fetches.</summary>
    public sealed class JwkServer : HttpMessageHandler
    {
        public int Fetches;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Fetches);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Set, Encoding.UTF8, "application/json") });
        }
    }

    /// <summary>
    /// A clock that only moves when told to. Its wall clock starts at the current whole second, so a token dated
    /// from the clock's Unix time is judged the same by a validator on this clock and by one on the system clock.
    /// </summary>
    public static FakeTimeProvider NewClock() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
}
