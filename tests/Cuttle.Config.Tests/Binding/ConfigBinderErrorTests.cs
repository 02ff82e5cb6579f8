using Cuttle.Config.Diagnostics;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

/// <summary>Every start-up error KrakenD raises, with its message and position.</summary>
public sealed class ConfigBinderErrorTests
{
    private static string Endpoints(string endpoints) => "{\n\"version\": 3,\n\"endpoints\": [\n" + endpoints + "\n]}";

    [Theory]
    [InlineData("/__debug")]
    [InlineData("/__echo/x")]
    [InlineData("__health")]
    [InlineData("/a/*b")]
    public void ReservedOrWildcardEndpoint_IsRefused(string path)
    {
        var d = SingleError(Parse(Endpoints($"{{\"endpoint\": \"{path}\", \"backend\": [{{\"url_pattern\": \"/\", \"host\": [\"h\"]}}]}}")));
        Assert.Contains("endpoint, since it is invalid!!! (invalid endpoint pattern", d.Message, StringComparison.Ordinal);
        AssertAt(d, 4, 14, "endpoints[0].endpoint");
    }

    [Fact]
    public void EndpointWithoutBackends_IsRefused()
    {
        var d = SingleError(Parse(Endpoints("""{"endpoint": "/a", "method": "POST", "backend": []}""")));
        Assert.Contains("ignoring the 'POST /a' endpoint, since it has 0 backends defined!", d.Message, StringComparison.Ordinal);
        AssertAt(d, 4, 49, "endpoints[0].backend");
    }

    [Fact]
    public void EndpointWithoutBackendKey_IsRefusedAtTheEndpoint()
    {
        var d = SingleError(Parse(Endpoints("""{"endpoint": "/a"}""")));
        Assert.Contains("0 backends defined", d.Message, StringComparison.Ordinal);
        AssertAt(d, 4, 1, "endpoints[0]");
    }

    [Fact]
    public void NoOpWithTwoBackends_IsRefused()
    {
        var d = SingleError(Parse(Endpoints("""{"endpoint": "/a", "output_encoding": "no-op", "backend": [{"url_pattern": "/1", "host": ["h"]}, {"url_pattern": "/2", "host": ["h"]}]}""")));
        Assert.Contains("can not use NoOp encoding with more than one backends", d.Message, StringComparison.Ordinal);
        AssertAt(d, 4, 39, "endpoints[0].output_encoding");
    }

    [Fact]
    public void UndefinedOutputParam_IsRefused()
    {
        var d = SingleError(Parse(Endpoints("""{"endpoint": "/a/{id}", "backend": [{"url_pattern": "/b/{user}", "host": ["h"]}]}""")));
        Assert.Equal("undefined output param 'user'! endpoint: GET /a/{id}, backend: 0. input: [id], output: [user]", d.Message);
        AssertAt(d, 4, 53, "endpoints[0].backend[0].url_pattern");
    }

    [Fact]
    public void UndefinedOutputParam_ListsParamsSortedLikeLura()
    {
        var d = SingleError(Parse(Endpoints("""{"endpoint": "/a/{z}/{b}", "backend": [{"url_pattern": "/{z}/{y}/{b}/{y}", "host": ["h"]}]}""")));
        Assert.Equal("undefined output param 'y'! endpoint: GET /a/{z}/{b}, backend: 0. input: [b z], output: [b y z]", d.Message);
    }

    [Fact]
    public void UnsupportedMethod_IsAWarningAndTheEndpointIsDropped()
    {
        var result = Parse(Endpoints("""{"endpoint": "/a", "method": "HEAD", "backend": [{"url_pattern": "/", "host": ["h"]}]}"""));
        Assert.True(result.Success);
        Assert.Empty(result.Config!.Endpoints);
        var w = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, w.Severity);
        Assert.Contains("unsupported method HEAD", w.Message, StringComparison.Ordinal);
        AssertAt(w, 4, 30, "endpoints[0].method");
    }

    [Fact]
    public void DuplicateEndpointAndMethod_IsRefused()
    {
        var d = SingleError(Parse(Endpoints("""
        {"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}]},
        {"endpoint": "a", "method": "get", "backend": [{"url_pattern": "/", "host": ["h"]}]}
        """)));
        Assert.Contains("duplicate endpoint GET /a: already defined at line 4", d.Message, StringComparison.Ordinal);
        AssertAt(d, 5, 14, "endpoints[1].endpoint");
    }

    [Fact]
    public void SamePathDifferentMethods_IsFine()
    {
        var result = Parse(Endpoints("""
        {"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}]},
        {"endpoint": "/a", "method": "POST", "backend": [{"url_pattern": "/", "host": ["h"]}]}
        """));
        Assert.Equal(2, result.Config!.Endpoints.Length);
    }

    [Fact]
    public void HostWithPath_IsRefusedAtTheHost()
    {
        var d = SingleError(Parse(Endpoints("""{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["http://ok", "http://h/api"]}]}""")));
        Assert.StartsWith("host http://h/api not valid: invalid host", d.Message, StringComparison.Ordinal);
        AssertAt(d, 4, 75, "endpoints[0].backend[0].host[1]");
    }

    [Fact]
    public void BadDuration_NamesTheFieldAndAnExample()
    {
        var d = SingleError(Parse("{\"version\": 3,\n  \"timeout\": \"3 seconds\"}"));
        Assert.Equal("invalid duration \"3 seconds\" for \"timeout\": expected a Go duration such as \"3s\", \"150ms\" or \"1m30s\" (units ns, us, ms, s, m, h)", d.Message);
        AssertAt(d, 2, 14, "timeout");
    }

    [Theory]
    [InlineData("99999999999999999999s")] // too long for the parser's decimal: threw OverflowException out of the loader
    [InlineData("2562048h")] // past Go's int64 nanoseconds (about 292 years)
    public void DurationOutOfGoRange_IsAnInvalidDuration(string text)
    {
        var d = SingleError(Parse($"{{\"version\": 3, \"timeout\": \"{text}\"}}"));
        Assert.StartsWith($"invalid duration \"{text}\" for \"timeout\"", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"port\": \"eighty\"", "\"port\" must be an integer, got the string \"eighty\"", "port")]
    [InlineData("\"debug_endpoint\": \"yes\"", "\"debug_endpoint\" must be a boolean (true or false), got the string \"yes\"", "debug_endpoint")]
    [InlineData("\"name\": {}", "\"name\" must be a string, got an object", "name")]
    [InlineData("\"endpoints\": {}", "\"endpoints\" must be an array, got an object", "endpoints")]
    [InlineData("\"extra_config\": []", "\"extra_config\" must be an object, got an array", "extra_config")]
    [InlineData("\"host\": [{}]", "\"host\" must be a list of strings, got an object in it", "host[0]")]
    public void WrongJsonType_ForAKnownField_IsAnError(string member, string message, string path)
    {
        var d = SingleError(Parse("{\"version\": 3,\n  " + member + "}"));
        Assert.Equal(message, d.Message);
        Assert.Equal(2, d.Location.Line);
        Assert.Equal(path, d.Location.JsonPath);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("256.0.0.1")]
    [InlineData("01.2.3.4")]
    public void InvalidListenIp_IsRefused(string ip)
    {
        var d = SingleError(Parse($"{{\"version\": 3, \"listen_ip\": \"{ip}\"}}"));
        Assert.StartsWith($"invalid ip address {ip}", d.Message, StringComparison.Ordinal);
        AssertAt(d, 1, 29, "listen_ip");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")]
    public void ValidListenIp_IsAccepted(string ip)
    {
        Assert.Equal(ip, Parse($"{{\"version\": 3, \"listen_ip\": \"{ip}\"}}").Config!.ListenIp);
    }

    [Fact]
    public void MissingEndpointPath_IsRefused()
    {
        var d = SingleError(Parse(Endpoints("""{"backend": [{"url_pattern": "/", "host": ["h"]}]}""")));
        Assert.Contains("missing \"endpoint\"", d.Message, StringComparison.Ordinal);
        AssertAt(d, 4, 1, "endpoints[0]");
    }

    [Fact]
    public void SeveralErrors_AreAllReported()
    {
        var result = Parse(Endpoints("""
        {"endpoint": "/__debug", "backend": [{"url_pattern": "/", "host": ["h"]}]},
        {"endpoint": "/b", "backend": []}
        """));
        Assert.Equal(2, result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error));
    }
}
