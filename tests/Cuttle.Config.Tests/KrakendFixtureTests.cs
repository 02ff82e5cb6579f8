using Cuttle.Config.Diagnostics;

namespace Cuttle.Config.Tests;

public sealed class KrakendFixtureTests
{
    [SkippableFact]
    public void KrakendCeFixture_Loads_WithDefaultsApplied()
    {
        Skip.IfNot(File.Exists(RepoPaths.KrakendFixture), "../shared/krakend-ce fixtures not present (fresh clone); skipping");
        var result = ConfigLoader.Load(RepoPaths.KrakendFixture, new ConfigLoadOptions { Environment = new Dictionary<string, string>() });

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var config = result.Config!;
        Assert.Equal(8080, config.Port);
        Assert.Equal(TimeSpan.FromSeconds(3), config.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(3600), config.CacheTtl);
        Assert.Equal(TimeSpan.FromMilliseconds(200), config.ReadHeaderTimeout);
        Assert.True(config.Router.ReturnErrorMsg);
        Assert.True(config.ExtraConfig.Contains("security/cors"));
        Assert.NotEmpty(config.Endpoints);
        Assert.Equal(64, config.ContentHash.Length);
        foreach (var e in config.Endpoints)
        {
            Assert.StartsWith("/", e.Endpoint, StringComparison.Ordinal);
            Assert.True(e.Timeout > TimeSpan.Zero);
            Assert.NotEmpty(e.Backend);
            foreach (var b in e.Backend)
            {
                Assert.StartsWith("/", b.UrlPattern, StringComparison.Ordinal);
                Assert.False(string.IsNullOrEmpty(b.Method));
            }
        }
    }
}
