using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderHttpCacheTests
{
    // The namespace's text is on line 3 of the file.
    private static ConfigLoadResult Backend(string cache) => Parse($$$"""
        {"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"],
          "extra_config": {
        {{{cache}}}
        }}]}]}
        """);

    private static HttpCacheOptions? Bound(string cache)
    {
        var result = Backend(cache);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.Endpoints[0].Backend[0].HttpCache;
    }

    [Fact]
    public void HttpCache_DocumentedExample_IsTyped()
    {
        var c = Bound("""
            "qos/http-cache": {"shared": true, "max_size": 104857600, "max_items": 1000}
            """)!;

        Assert.True(c.Shared);
        Assert.Equal(104857600, c.MaxSize);
        Assert.Equal(1000, c.MaxItems);
        Assert.Equal(3, c.Location.Line);
    }

    [Fact]
    public void HttpCache_EmptyBlock_IsACacheWithDefaults_AndAbsentIsNone()
    {
        var c = Bound("""
            "qos/http-cache": {}
            """)!;

        Assert.Equal((false, 0L, 0L), (c.Shared, c.MaxSize, c.MaxItems));
        Assert.Null(Bound("""
            "backend/http": {}
            """));
    }

    [Fact]
    public void HttpCache_LegacyName_IsTheSameNamespace()
    {
        var c = Bound("""
            "github.com/devopsfaith/krakend-httpcache": {"max_items": 5}
            """)!;

        Assert.Equal(5, c.MaxItems);
    }

    [Fact]
    public void HttpCache_SharedNotABoolean_IsAnErrorAtTheValue()
    {
        var d = SingleError(Backend("""
            "qos/http-cache": {"shared": "yes"}
            """));

        Assert.Equal("\"qos/http-cache.shared\" must be a boolean (true or false), got the string \"yes\"", d.Message);
        AssertAt(d, 3, 30, "endpoints[0].backend[0].extra_config[\"qos/http-cache\"].shared");
    }

    [Fact]
    public void HttpCache_SizeNotAnInteger_IsAnErrorAtTheValue()
    {
        var d = SingleError(Backend("""
            "qos/http-cache": {"max_items": 10, "max_size": "1MB"}
            """));

        Assert.StartsWith("\"qos/http-cache.max_size\" must be an integer", d.Message, StringComparison.Ordinal);
        AssertAt(d, 3, 49, "endpoints[0].backend[0].extra_config[\"qos/http-cache\"].max_size");

        var fraction = SingleError(Backend("""
            "qos/http-cache": {"max_items": 1.5}
            """));
        Assert.StartsWith("\"qos/http-cache.max_items\" must be an integer", fraction.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HttpCache_NegativeSizes_AreErrors()
    {
        var result = Backend("""
            "qos/http-cache": {"max_items": -1, "max_size": -2048}
            """);

        Assert.False(result.Success);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, d => d.Message == "\"qos/http-cache.max_items\" must be 0 or more, got -1" && d.Location.Line == 3);
        Assert.Contains(errors, d => d.Message == "\"qos/http-cache.max_size\" must be 0 or more, got -2048" && d.Location.Line == 3);
    }

    [Fact]
    public void HttpCache_MaxSizeBelowTheSchemasMinimum_IsAnError()
    {
        var d = SingleError(Backend("""
            "qos/http-cache": {"max_items": 10, "max_size": 100}
            """));

        Assert.Equal("\"qos/http-cache.max_size\" must be at least 1024, got 100", d.Message);
    }
}
