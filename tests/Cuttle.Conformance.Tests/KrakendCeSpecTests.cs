using Xunit;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// KrakenD CE's own integration suite (krakend-ce <c>tests/fixtures/specs/*.json</c>) run against Cuttle: one case
/// per spec file, compared exactly as krakend-ce's <c>tests/integration.go</c> compares them. Specs that need a
/// feature Cuttle does not have yet are skipped with that feature named (table below), so the run shows what is missing.
/// </summary>
public sealed class KrakendCeSpecTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    private const string NoFixtures = "(krakend-ce fixtures missing)";

    /// <summary>Set to 1 to run the not-yet-supported specs too and see their differences.</summary>
    private const string RunAllVariable = "CUTTLE_CONFORMANCE_ALL";

    /// <summary>Spec → the feature it needs that is not built yet. Every other spec is a real assertion.</summary>
    internal static readonly IReadOnlyDictionary<string, string> NotYetSupported = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // The rss decoder is built (see Cuttle.Tests/EndToEnd/RssTests); this spec fetches showrss.info, which CI cannot reach.
        ["rss"] = "internet access to showrss.info",
    };

    /// <summary>Specs that must pass: the 30 of the gateway-core issue plus those of features built since.</summary>
    internal static readonly IReadOnlyList<string> Required =
    [
        "backend_301", "backend_302", "backend_303", "backend_307", "backend_404", "collection", "detail_error",
        "integration_jsonschema", "integration_no_body", "integration_schema", "static", "negotitate_json",
        "negotitate_plain", "no-op_1", "no-op_2", "param_forwarding_1", "param_forwarding_2", "param_forwarding_3",
        "param_forwarding_4", "query_forwarding_1", "query_forwarding_2", "query_forwarding_3", "router_404",
        "router_405", "router_redirect", "sequential_1", "sequential_2", "timeout", "xml_1", "xml_2",
        // Beyond the core issue's 30:
        "flatmap_1",
        "cors_1", "cors_2", "cors_3", "cors_4", "cors_5",
        "botdetector_1", "botdetector_2", "botdetector_3", "botdetector_4",
        "jsonschema_1",
        "jwt_1", "jwt_2", "jwt_3", "jwt_4", "jwt_5", "router_401_1",
        "lua_1", "lua_2", "sequential_3", "sequential_4",
        "cel-6", // the token is malformed, so auth/validator answers 401 before the CEL check would run
        "cel-1", "cel-2", "cel-3", "cel-4", "cel-5", "cel-7",
    ];

    public static TheoryData<string> Specs()
    {
        var data = new TheoryData<string>();
        var names = KrakendFixtures.SpecNames();
        if (names.Count == 0)
        {
            data.Add(NoFixtures);
        }

        foreach (var name in names)
        {
            data.Add(name);
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Specs))]
    public async Task Spec(string name)
    {
        Skip.If(name == NoFixtures, KrakendFixtures.MissingMessage);
        Skip.If(
            NotYetSupported.TryGetValue(name, out var feature) && Environment.GetEnvironmentVariable(RunAllVariable) != "1",
            $"needs {feature}, not built yet (set {RunAllVariable}=1 to run it anyway)");

        var env = await fixture.GetAsync();
        Assert.True(env.StartupError is null, $"gateway not started: {env.StartupError}");

        var spec = env.LoadSpec(name);
        GoResponse response;
        try
        {
            response = await env.Client.SendAsync(spec.Method, spec.Url, spec.RequestHeaders, spec.RequestBody, CancellationToken.None);
        }
        catch (HttpRequestException ex) when (spec.ExpectedError is { Length: > 0 } && ex.Message == spec.ExpectedError)
        {
            return; // integration.go: a client error equal to "error" is a pass
        }

        var differences = await SpecComparer.CompareAsync(spec, response);
        Assert.True(differences.Count == 0, $"{name}: wrong response:\n\t{string.Join("\n\t", differences)}");
    }

    [SkippableFact]
    public void EverySpecIsEitherRequiredOrSkippedWithAReason()
    {
        var names = KrakendFixtures.SpecNames();
        Skip.If(names.Count == 0, KrakendFixtures.MissingMessage);

        var unclassified = names.Where(n => !NotYetSupported.ContainsKey(n) && !Required.Contains(n)).ToList();
        var missing = Required.Concat(NotYetSupported.Keys).Where(n => !names.Contains(n)).ToList();
        Assert.True(unclassified.Count == 0, "specs in neither table: " + string.Join(", ", unclassified));
        Assert.True(missing.Count == 0, "tables name specs that do not exist: " + string.Join(", ", missing));
        Assert.True(Required.Count >= 30 && Required.Distinct().Count() == Required.Count, "Required must hold the core 30, each once");
        Assert.Empty(Required.Intersect(NotYetSupported.Keys));
    }
}
