using System.Text;
using Cuttle.Config.Diagnostics;

namespace Cuttle.Config.Tests;

/// <summary>Helpers: parse JSON text with an empty environment, pick diagnostics.</summary>
internal static class TestConfig
{
    public static ConfigLoadResult Parse(string json, ConfigLoadOptions? options = null)
    {
        options ??= new ConfigLoadOptions();
        options = options.Environment is null ? options with { Environment = new Dictionary<string, string>() } : options;
        return ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json", options);
    }

    public static ConfigDiagnostic SingleError(ConfigLoadResult result)
    {
        Assert.False(result.Success);
        return Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    public static void AssertAt(ConfigDiagnostic d, int line, int column, string path)
    {
        Assert.Equal((line, column, path), (d.Location.Line, d.Location.Column, d.Location.JsonPath));
        Assert.Equal("krakend.json", d.Location.File);
    }
}
