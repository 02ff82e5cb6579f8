using Cuttle.Config.Diagnostics;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderValidationTests
{
    [Fact]
    public void JsonSchema_TheNamespaceValueIsTheSchema()
    {
        var e = Parse("""
        {"version": 3, "endpoints": [{"endpoint": "/a", "method": "POST",
          "extra_config": {"github.com/devopsfaith/krakend-jsonschema": {"type": "number"}},
          "backend": [{"url_pattern": "/", "host": ["h"]}]}]}
        """).Config!.Endpoints[0];

        Assert.Equal("number", e.JsonSchema!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public void JsonSchema_NotAnObject_IsAWarningAndIgnored()
    {
        var result = Parse("""
        {"version": 3, "endpoints": [{"endpoint": "/a", "method": "POST", "extra_config": {"validation/json-schema": "number"},
          "backend": [{"url_pattern": "/", "host": ["h"]}]}]}
        """);

        Assert.Null(result.Config!.Endpoints[0].JsonSchema);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("validation/json-schema"));
    }
}
