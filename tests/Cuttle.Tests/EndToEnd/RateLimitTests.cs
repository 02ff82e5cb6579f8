using System.Net;
using Cuttle.Config;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// qos/ratelimit/router and qos/ratelimit/proxy through the real host over real sockets. Every limit refills once an
/// hour (<c>every</c>), so the system clock cannot add a token while a test runs.
/// </summary>
public sealed class RateLimitTests
{
    private static async Task<FakeBackend> Backend(string body = """{"ok":true}""") => await FakeBackend.StartAsync(async ctx =>
    {
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(ctx.Request.Path == "/a" ? """{"a":1}""" : ctx.Request.Path == "/b" ? """{"b":2}""" : body);
    });

    private static string Config(string backend, string endpoints) => $$"""
        { "version": 3, "endpoints": [ {{endpoints.Replace("BACKEND", backend, StringComparison.Ordinal)}} ] }
        """;

    private static string Limited(string path, string router) => $$"""
        { "endpoint": "{{path}}", "extra_config": { "qos/ratelimit/router": { {{router}} } },
          "backend": [ { "host": ["BACKEND"], "url_pattern": "/" } ] }
        """;

    private static async Task<(int Ok, int Limited)> Count(HttpClient client, string path, int requests, HttpStatusCode limited, string? header = null,
        string? value = null)
    {
        var (ok, rejected) = (0, 0);
        for (var i = 0; i < requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (header is not null) request.Headers.TryAddWithoutValidation(header, value);
            using var response = await client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK) ok++;
            else if (response.StatusCode == limited) rejected++;
            else Assert.Fail($"unexpected {(int)response.StatusCode}");
        }
        return (ok, rejected);
    }

    [Fact]
    public async Task The_endpoint_limit_answers_503_beyond_its_capacity_with_an_empty_body()
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, Limited("/rl", "\"max_rate\": 3, \"capacity\": 3, \"every\": \"1h\"")));

        Assert.Equal((3, 7), await Count(gw.Client, "/rl", 10, HttpStatusCode.ServiceUnavailable));
        using var refused = await gw.Client.GetAsync("/rl");
        Assert.Equal("", await refused.Content.ReadAsStringAsync());
        Assert.Null(MergingTests.Header(refused, "X-Krakend"));
        Assert.Equal(3, backend.Requests.Count);
    }

    [Fact]
    public async Task The_client_limit_answers_429_per_ip_and_clients_are_independent()
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url,
            Limited("/ip", "\"client_max_rate\": 2, \"client_capacity\": 2, \"strategy\": \"ip\", \"every\": \"1h\"")));

        // gin's ClientIP: the first X-Forwarded-For address, else the socket's.
        Assert.Equal((2, 3), await Count(gw.Client, "/ip", 5, HttpStatusCode.TooManyRequests, "X-Forwarded-For", "10.0.0.1"));
        Assert.Equal((2, 1), await Count(gw.Client, "/ip", 3, HttpStatusCode.TooManyRequests, "X-Forwarded-For", "10.0.0.2, 10.0.0.1"));
        Assert.Equal((2, 1), await Count(gw.Client, "/ip", 3, HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task The_client_limit_by_header_rejects_a_client_without_the_header()
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url,
            Limited("/h", "\"max_rate\": 100, \"capacity\": 100, \"client_max_rate\": 1, \"client_capacity\": 1, \"strategy\": \"header\", \"key\": \"X-Api-Key\", \"every\": \"1h\"")));

        Assert.Equal((1, 2), await Count(gw.Client, "/h", 3, HttpStatusCode.TooManyRequests, "X-Api-Key", "alice"));
        Assert.Equal((1, 2), await Count(gw.Client, "/h", 3, HttpStatusCode.TooManyRequests, "X-Api-Key", "bob"));
        Assert.Equal((0, 2), await Count(gw.Client, "/h", 2, HttpStatusCode.TooManyRequests));
        Assert.Equal(2, backend.Requests.Count);
    }

    [Fact]
    public async Task The_backend_limit_is_a_backend_failure_in_a_merge()
    {
        await using var backend = await Backend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, """
            { "endpoint": "/m", "backend": [
              { "host": ["BACKEND"], "url_pattern": "/a" },
              { "host": ["BACKEND"], "url_pattern": "/b", "extra_config": { "qos/ratelimit/proxy": { "max_rate": 1, "every": "1h" } } } ] },
            { "endpoint": "/single", "backend": [
              { "host": ["BACKEND"], "url_pattern": "/b", "extra_config": { "qos/ratelimit/proxy": { "max_rate": 1, "every": "1h" } } } ] }
            """));

        using var first = await gw.Client.GetAsync("/m");
        Assert.Equal(("true", """{"a":1,"b":2}"""), (MergingTests.Header(first, "X-Krakend-Completed"), await first.Content.ReadAsStringAsync()));
        using var limited = await gw.Client.GetAsync("/m");
        Assert.Equal(HttpStatusCode.OK, limited.StatusCode);
        Assert.Equal(("false", """{"a":1}"""), (MergingTests.Header(limited, "X-Krakend-Completed"), await limited.Content.ReadAsStringAsync()));

        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/single")).StatusCode);
        using var alone = await gw.Client.GetAsync("/single");
        Assert.Equal(HttpStatusCode.InternalServerError, alone.StatusCode);
        Assert.Equal("false", MergingTests.Header(alone, "X-Krakend-Completed"));
        Assert.Equal(2, backend.Requests.Count(r => r.PathAndQuery == "/b"));
    }

    [Fact]
    public async Task A_reload_keeps_an_unchanged_limit_and_restarts_a_changed_one()
    {
        await using var backend = await Backend();
        var limited = Limited("/rl", "\"max_rate\": 2, \"capacity\": 2, \"every\": \"1h\"");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, limited));
        Assert.Equal((2, 1), await Count(gw.Client, "/rl", 3, HttpStatusCode.ServiceUnavailable));

        // Another endpoint added: /rl is unchanged, so its empty bucket carries over.
        var outcome = await gw.Server.ReloadAsync(Load(gw, Config(backend.Url, Limited("/other", "\"max_rate\": 5") + ", " + limited)));
        Assert.True(outcome.Applied, outcome.Error);
        Assert.Equal((0, 2), await Count(gw.Client, "/rl", 2, HttpStatusCode.ServiceUnavailable));
        Assert.Equal((1, 0), await Count(gw.Client, "/other", 1, HttpStatusCode.ServiceUnavailable));

        // A changed capacity is a new bucket, full.
        outcome = await gw.Server.ReloadAsync(Load(gw, Config(backend.Url, Limited("/rl", "\"max_rate\": 2, \"capacity\": 3, \"every\": \"1h\""))));
        Assert.True(outcome.Applied, outcome.Error);
        Assert.Equal((3, 1), await Count(gw.Client, "/rl", 4, HttpStatusCode.ServiceUnavailable));
    }

    private static Cuttle.Config.Model.GatewayConfig Load(GatewayHarness gw, string json)
    {
        var loaded = ConfigLoader.Parse(System.Text.Encoding.UTF8.GetBytes(json), gw.ConfigPath);
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return loaded.Config!;
    }
}
