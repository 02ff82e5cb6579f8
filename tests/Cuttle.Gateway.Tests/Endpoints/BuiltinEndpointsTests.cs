using System.Text.Json;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cuttle.Gateway.Tests.Endpoints;

/// <summary>/__health: KrakenD's three keys for everyone, the host's reload status only when it hands one over.</summary>
public sealed class BuiltinEndpointsTests
{
    private static readonly ReloadStatus First = new(1, "hash-one", DateTimeOffset.Parse("2025-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture),
        Reloads: 0, RejectedReloads: 0, LastReloadError: null, LastReloadAttempt: null, SocketTransport: "cuttle");

    private static BuiltinEndpoints CreateSut(ReloadStatusSource? status) =>
        new("/__health", health: true, debug: false, echo: false, TimeProvider.System, status, NullLogger.Instance);

    private static async Task<JsonElement> Health(BuiltinEndpoints sut)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/__health";
        var body = new MemoryStream();
        context.Response.Body = body;
        Assert.True(sut.TryHandle(context, "/__health", out var task));
        await task;
        return JsonDocument.Parse(body.ToArray()).RootElement.Clone();
    }

    [Fact]
    public async Task Health_WithoutAStatusSource_AnswersKrakenDsKeysOnly()
    {
        var body = await Health(CreateSut(status: null));

        Assert.Equal(["agents", "now", "status"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Health_ReadsTheRecordTheHostLastPublished()
    {
        var source = new ReloadStatusSource { Current = First };
        var sut = CreateSut(source);

        var before = (await Health(sut)).GetProperty("cuttle");
        source.Current = First with
        {
            Generation = 2,
            ConfigHash = "hash-two",
            RejectedReloads = 1,
            LastReloadError = "bad host http://user:xxxxx@db",
            LastReloadAttempt = DateTimeOffset.Parse("2025-01-02T03:05:00Z", System.Globalization.CultureInfo.InvariantCulture),
        };
        var after = (await Health(sut)).GetProperty("cuttle");

        Assert.Equal(1, before.GetProperty("generation").GetInt64());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("last_reload_error").ValueKind);
        Assert.False(before.TryGetProperty("last_reload_attempt", out _));
        Assert.Equal(2, after.GetProperty("generation").GetInt64());
        Assert.Equal("hash-two", after.GetProperty("config_hash").GetString());
        Assert.Equal(1, after.GetProperty("rejected_reloads").GetInt64());
        Assert.Equal("bad host http://user:xxxxx@db", after.GetProperty("last_reload_error").GetString());
        Assert.Equal("2025-01-02T03:05:00.0000000+00:00", after.GetProperty("last_reload_attempt").GetString());
        Assert.Equal("cuttle", after.GetProperty("socket_transport").GetString());
        Assert.True(after.GetProperty("runtime").GetProperty("allocated_bytes").GetInt64() > 0);
    }
}
