using Cuttle.Commands;

namespace Cuttle.Tests.Commands;

public sealed class ConfigPathResolverTests
{
    [Fact]
    public void Resolve_ExplicitPath_WinsOverEverything()
    {
        Assert.Equal("x.json", ConfigPathResolver.Resolve("x.json", Path.GetTempPath(), _ => "env.json"));
    }

    [Fact]
    public void Resolve_NothingAvailable_ReturnsNull()
    {
        var empty = Directory.CreateTempSubdirectory("cuttle-resolve-").FullName;
        try
        {
            Assert.Null(ConfigPathResolver.Resolve(null, empty, _ => null));
            Assert.Equal("env.json", ConfigPathResolver.Resolve(null, empty, k => k == "KRAKEND_CONFIG" ? "env.json" : null));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
