using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void Parse_MinimalConfig_AppliesServiceDefaults()
    {
        var result = Parse("""{"version": 3}""");

        Assert.True(result.Success);
        var c = result.Config!;
        Assert.Equal(8080, c.Port);
        Assert.Equal(TimeSpan.FromSeconds(2), c.Timeout);
        Assert.Equal(250, c.MaxIdleConnectionsPerHost);
        Assert.Equal("/__health", c.Router.HealthPath);
        Assert.Empty(c.Endpoints);
        Assert.Empty(result.Diagnostics);
        Assert.Equal("", c.SourcePath);
    }

    [Fact]
    public void Parse_UnsetTransportSettings_TakeKrakenDsDefaults()
    {
        var c = Parse("""{"version": 3}""").Config!;

        Assert.Equal(TimeSpan.FromSeconds(90), c.IdleConnectionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), c.DialerTimeout);
        Assert.Equal(250, c.MaxIdleConnectionsPerHost);
    }

    [Fact]
    public void Parse_TransportSettings_KeepGivenValues_AndZeroOrNegativeOnesTakeTheDefaults()
    {
        var given = Parse("""{"version": 3, "idle_connection_timeout": "5s", "dialer_timeout": "2s", "max_idle_connections_per_host": 7}""").Config!;
        var zero = Parse("""{"version": 3, "idle_connection_timeout": "0s", "dialer_timeout": "-1s", "max_idle_connections_per_host": -3}""").Config!;

        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), 7), (given.IdleConnectionTimeout, given.DialerTimeout, given.MaxIdleConnectionsPerHost));
        Assert.Equal((TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(30), 250), (zero.IdleConnectionTimeout, zero.DialerTimeout, zero.MaxIdleConnectionsPerHost));
    }

    [Fact]
    public void Parse_ContentHash_IsSha256OfTheBytes()
    {
        var c = Parse("""{"version": 3}""").Config!;
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("""{"version": 3}"""u8)), c.ContentHash);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Parse_OldVersion_PointsToMigrationGuide(int version)
    {
        var d = SingleError(Parse($"{{\n  \"version\": {version}\n}}"));

        Assert.Contains($"unsupported version: {version} (want: 3)", d.Message, StringComparison.Ordinal);
        Assert.Contains("https://www.krakend.io/docs/configuration/migrating/", d.Message, StringComparison.Ordinal);
        AssertAt(d, 2, 14, "version");
    }

    [Fact]
    public void Parse_VersionAsString_IsWeaklyTyped()
    {
        Assert.True(Parse("""{"version": "3"}""").Success);
    }

    [Fact]
    public void Parse_MissingVersion_IsAnError()
    {
        var d = SingleError(Parse("{}"));
        Assert.Contains("missing \"version\"", d.Message, StringComparison.Ordinal);
        AssertAt(d, 1, 1, "$");
    }

    [Fact]
    public void Parse_MalformedJson_ReportsLineAndColumn()
    {
        var d = SingleError(Parse("{\n  \"version\": 3,\n  \"port\": 80 80\n}"));
        Assert.StartsWith("invalid JSON:", d.Message, StringComparison.Ordinal);
        Assert.Equal(3, d.Location.Line);
        Assert.Equal(14, d.Location.Column);
    }

    [Fact]
    public void Parse_RootNotAnObject_IsAnError()
    {
        var d = SingleError(Parse("[1]"));
        Assert.Contains("must be a JSON object", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ByteOrderMark_IsSkipped()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat("""{"version": 3}"""u8.ToArray()).ToArray();
        Assert.True(ConfigLoader.Parse(bytes, "k.json", new ConfigLoadOptions { Environment = new Dictionary<string, string>() }).Success);
    }

    [Theory]
    [InlineData("krakend.yml", "name: gw\nversion: 3\nport: 9001\n")]
    [InlineData("krakend.YAML", "name: gw\nversion: 3\nport: 9001\n")]
    [InlineData("krakend.toml", "name = \"gw\"\nversion = 3\nport = 9001\n")]
    [InlineData("krakend.conf", "{\"name\": \"gw\", \"version\": 3, \"port\": 9001}")]
    public void Load_PicksTheSyntaxByExtension(string name, string content)
    {
        var dir = Directory.CreateTempSubdirectory("cuttle-formats-").FullName;
        try
        {
            var path = Path.Combine(dir, name);
            File.WriteAllText(path, content);
            var result = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = new Dictionary<string, string>() });
            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
            Assert.Equal(("gw", 9001), (result.Config!.Name, result.Config.Port));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Load_MissingFile_IsAnErrorNotAnException()
    {
        var result = ConfigLoader.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "krakend.json"));
        Assert.False(result.Success);
        Assert.Contains("not found", Assert.Single(result.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RealFile_SetsFullSourcePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "cuttle-config-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{"version": 3, "port": 9000}""");
        try
        {
            var result = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = new Dictionary<string, string>() });
            Assert.True(result.Success);
            Assert.Equal(Path.GetFullPath(path), result.Config!.SourcePath);
            Assert.Equal(9000, result.Config.Port);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
