using System.Net;
using System.Text;
using Cuttle.Config;
using Microsoft.Extensions.Time.Testing;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Qos;

/// <summary>qos/circuit-breaker in a compiled generation, its backends in memory and its clock fake.</summary>
public sealed class CircuitBreakerGenerationTests
{
    private const string Breaker = """
        "extra_config": {"qos/circuit-breaker": {"interval": 60, "timeout": 10, "max_errors": 1, "name": "cb-1"}}
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private Generation Build(string backends, InMemoryBackend backend, string endpoint = "/e")
    {
        var json = $$"""{ "version": 3, "endpoints": [ { "endpoint": "{{endpoint}}", "backend": [ {{backends}} ] } ] }""";
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return GenerationBuilder.Build(loaded.Config!, new GenerationOptions { BackendHandler = backend, TimeProvider = _time });
    }

    private static string Backend(string path, string extra = "") => $$"""{ "host": ["http://backend.test"], "url_pattern": "{{path}}" {{extra}} }""";

    [Fact]
    public async Task AfterMaxErrorsPlusOneFailures_TheEndpointFailsWithoutCallingTheBackend_UntilTheTimeout()
    {
        var healthy = false;
        var backend = new InMemoryBackend(_ => healthy ? Json("""{"ok":true}""") : Json("{}", HttpStatusCode.InternalServerError));
        await using var generation = Build(Backend("/b", ", " + Breaker), backend);

        Assert.Equal(500, (await Serve(generation, "GET", "/e")).Status);
        Assert.Equal(500, (await Serve(generation, "GET", "/e")).Status);
        Assert.Equal(2, backend.Received.Count);

        healthy = true;
        var (status, headers, body) = await Serve(generation, "GET", "/e");
        Assert.Equal(500, status);
        Assert.Equal("false", headers["X-Krakend-Completed"]);
        Assert.Equal("", body);
        Assert.Equal(2, backend.Received.Count);

        _time.Advance(TimeSpan.FromSeconds(11));
        (status, _, body) = await Serve(generation, "GET", "/e");
        Assert.Equal(200, status);
        Assert.Equal("""{"ok":true}""", body);
        Assert.Equal(3, backend.Received.Count);
    }

    [Fact]
    public async Task AnOpenBreaker_InAMerge_LeavesTheOtherBackendsPart_MarkedIncomplete()
    {
        var backend = new InMemoryBackend(r => r.Url.AbsolutePath == "/a" ? Json("""{"a":1}""") : Json("{}", HttpStatusCode.BadGateway));
        await using var generation = Build(Backend("/a") + ", " + Backend("/b", ", " + Breaker), backend);

        await Serve(generation, "GET", "/e");
        await Serve(generation, "GET", "/e");
        var callsToB = backend.Received.Count(r => r.Url.AbsolutePath == "/b");
        var (status, headers, body) = await Serve(generation, "GET", "/e");

        Assert.Equal(2, callsToB);
        Assert.Equal(2, backend.Received.Count(r => r.Url.AbsolutePath == "/b"));
        Assert.Equal(200, status);
        Assert.Equal("false", headers["X-Krakend-Completed"]);
        Assert.Equal("""{"a":1}""", body);
    }

    [Fact]
    public async Task ReturnErrorDetails_IsNoFailure_AsInLura_ButAnUndecodableBodyIs()
    {
        var body = "";
        var backend = new InMemoryBackend(_ => body.Length == 0 ? Json("{}", HttpStatusCode.InternalServerError) : Json(body));
        await using var generation = Build(Backend("/b", """
            , "extra_config": {"backend/http": {"return_error_details": "b"}, "qos/circuit-breaker": {"timeout": 10, "max_errors": 0}}
            """), backend);

        // lura turns the status error into data with no error: gobreaker counts a success.
        for (var i = 0; i < 3; i++) await Serve(generation, "GET", "/e");
        Assert.Equal(3, backend.Received.Count);

        body = "not json";
        Assert.Equal(500, (await Serve(generation, "GET", "/e")).Status);
        body = """{"ok":true}""";
        Assert.Equal(500, (await Serve(generation, "GET", "/e")).Status);
        Assert.Equal(4, backend.Received.Count);
    }

    [Fact]
    public async Task ABackendCelRejection_IsAFailure_SinceTheBreakerWrapsTheWholeBackendPipe()
    {
        var backend = new InMemoryBackend(_ => Json("""{"ok":true}"""));
        await using var generation = Build(Backend("/b", """
            , "extra_config": {"validation/cel": [{"check_expr": "req_params.Id == '1'"}], "qos/circuit-breaker": {"timeout": 10, "max_errors": 0}}
            """), backend, "/e/{id}");

        Assert.Equal(500, (await Serve(generation, "GET", "/e/2")).Status);
        // A request CEL would let through is refused: the rejection above opened the breaker.
        Assert.Equal(500, (await Serve(generation, "GET", "/e/1")).Status);
        Assert.Empty(backend.Received);

        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(200, (await Serve(generation, "GET", "/e/1")).Status);
        Assert.Single(backend.Received);
    }
}
