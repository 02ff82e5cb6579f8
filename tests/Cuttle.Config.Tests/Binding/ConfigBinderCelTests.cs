using Cuttle.Config.Diagnostics;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderCelTests
{
    [Fact]
    public void Cel_EndpointAndBackendChecksAreBoundInOrderWithTheirLocations()
    {
        var e = Parse("""
        {"version": 3, "endpoints": [{"endpoint": "/a/{id}",
          "extra_config": {"validation/cel": [{"check_expr": "req_method == 'GET'"}, {"check_expr": "int(req_params.Id) > 0"}]},
          "backend": [{"url_pattern": "/", "host": ["h"],
            "extra_config": {"github.com/devopsfaith/krakend-cel": [{"check_expr": "resp_completed"}]}}]}]}
        """).Config!.Endpoints[0];

        Assert.Equal(["req_method == 'GET'", "int(req_params.Id) > 0"], e.Cel.Select(c => c.CheckExpr));
        Assert.Equal("resp_completed", Assert.Single(e.Backend[0].Cel).CheckExpr);
        Assert.Equal(2, e.Cel[0].Location.Line);
        Assert.Contains("check_expr", e.Cel[1].Location.JsonPath);
    }

    [Fact]
    public void Cel_EmptyAndModOnlyEntriesAreNeverChecks()
    {
        var e = Parse("""
        {"version": 3, "endpoints": [{"endpoint": "/a",
          "extra_config": {"validation/cel": [{"check_expr": ""}, {"mod_expr": "req_method"}]},
          "backend": [{"url_pattern": "/", "host": ["h"]}]}]}
        """).Config!.Endpoints[0];

        Assert.Empty(e.Cel);
    }

    [Fact]
    public void Cel_NotAList_IsAWarningAndNoChecks()
    {
        var result = Parse("""
        {"version": 3, "endpoints": [{"endpoint": "/a", "extra_config": {"validation/cel": {"check_expr": "req_method == 'GET'"}},
          "backend": [{"url_pattern": "/", "host": ["h"]}]}]}
        """);

        Assert.Empty(result.Config!.Endpoints[0].Cel);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("validation/cel"));
    }
}
