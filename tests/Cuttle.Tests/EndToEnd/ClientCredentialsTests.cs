using System.Net;
using System.Text;
using Cuttle.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// auth/client-credentials through the real host, with a fake OAuth2 token endpoint: the token is fetched once,
/// reused, refreshed ten seconds before it expires, and replaces the client's Authorization towards the backend; a
/// token endpoint that is down fails the backend call.
/// </summary>
public sealed class ClientCredentialsTests
{
    [Fact]
    public async Task The_backend_gets_a_cached_token_that_is_refreshed_before_expiry_and_a_down_token_endpoint_fails_the_call()
    {
        // The token's expiry is read from the gateway's clock: a fake one makes "before expiry" and "after" exact
        // instead of a race against a loaded machine.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var issued = 0;
        await using var idp = await FakeBackend.StartAsync(async ctx =>
        {
            var n = Interlocked.Increment(ref issued);
            ctx.Response.ContentType = "application/json";
            // expires_in 11: valid for one second once oauth2's ten-second expiry delta is taken off.
            await ctx.Response.WriteAsync($$"""{"access_token": "tok-{{n}}", "token_type": "bearer", "expires_in": 11}""");
        });
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [
              { "endpoint": "/api", "input_headers": ["Authorization"],
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/api",
                  "extra_config": { "auth/client-credentials": { "client_id": "my app", "client_secret": "s3cr:t", "token_url": "{{idp.Url}}/token",
                    "scopes": "read,write", "endpoint_params": { "audience": ["backend-api"] } } } } ] },
              { "endpoint": "/down",
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/down",
                  "extra_config": { "auth/client-credentials": { "client_id": "x", "client_secret": "y", "token_url": "http://127.0.0.1:{{TestPorts.Closed()}}/token" } } } ] } ] }
            """, time: clock);

        using (var first = new HttpRequestMessage(HttpMethod.Get, "/api"))
        {
            first.Headers.TryAddWithoutValidation("Authorization", "Bearer client-forged");
            Assert.Equal(HttpStatusCode.OK, (await gw.Client.SendAsync(first)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/api")).StatusCode);
        var calls = backend.Requests.Where(r => r.PathAndQuery == "/api").ToArray();
        Assert.Equal(["Bearer tok-1", "Bearer tok-1"], calls.Select(r => r.Headers["Authorization"]));

        var tokenRequest = idp.Requests.Single();
        Assert.Equal("POST", tokenRequest.Method);
        Assert.Equal("/token", tokenRequest.PathAndQuery);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("my+app:s3cr%3At")), tokenRequest.Headers["Authorization"]);
        Assert.Equal("application/x-www-form-urlencoded", tokenRequest.Headers["Content-Type"]);
        Assert.Equal("audience=backend-api&grant_type=client_credentials&scope=read+write", tokenRequest.Body);

        clock.Advance(TimeSpan.FromSeconds(1.2));
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/api")).StatusCode);
        Assert.Equal("Bearer tok-2", backend.Requests.Last().Headers["Authorization"]);
        Assert.Equal(2, idp.Requests.Count);

        // The token cannot be fetched: the backend is never called and the endpoint fails as on a backend error.
        var down = await gw.Client.GetAsync("/down");
        Assert.Equal(HttpStatusCode.InternalServerError, down.StatusCode);
        Assert.DoesNotContain(backend.Requests, r => r.PathAndQuery == "/down");
    }
}
