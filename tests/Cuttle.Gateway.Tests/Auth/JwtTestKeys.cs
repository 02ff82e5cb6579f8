using System.Net;
using System.Text;

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

    /// <summary>A clock that only moves when told to.</summary>
    public sealed class ManualTime : TimeProvider
    {
        private long _now = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now;

        public void Advance(TimeSpan by) => _now += by.Ticks;
    }
}
