using Cuttle.Config.Binding;

namespace Cuttle.Config.Tests.Binding;

public sealed class UrlParamsTests
{
    [Fact]
    public void EndpointParams_RestStyle_OnlyWholeSegments()
    {
        Assert.Equal(new[] { "id", "sub" }, UrlParams.EndpointParams("/users/{id}/x/{sub}", disableRest: false).ToArray());
        Assert.Empty(UrlParams.EndpointParams("/users/id-{id}", disableRest: false));
    }

    [Fact]
    public void EndpointParams_DisableRest_UsesSimplePattern()
    {
        Assert.Equal(new[] { "id" }, UrlParams.EndpointParams("/users/id-{id}", disableRest: true).ToArray());
    }

    [Theory]
    [InlineData("resp0_field", true)]
    [InlineData("resp12_a.b", true)]
    [InlineData("JWT.sub", true)]
    [InlineData("foo", false)]
    [InlineData("respx_a", false)]
    public void IsSequentialParam_MatchesLuraPattern(string name, bool expected)
    {
        Assert.Equal(expected, UrlParams.IsSequentialParam(name));
    }

    [Theory]
    [InlineData("/__debug", true)]
    [InlineData("/__debug/x", true)]
    [InlineData("/__echo/", true)]
    [InlineData("/__health", true)]
    [InlineData("/a/*b", true)]
    [InlineData("/a/*", false)]
    [InlineData("/__healthy", false)]
    [InlineData("/users/{id}", false)]
    public void IsInvalidEndpoint_MatchesLuraPattern(string path, bool invalid)
    {
        Assert.Equal(invalid, UrlParams.IsInvalidEndpoint(path));
    }

    [Theory]
    [InlineData("users", "/users")]
    [InlineData("/users", "/users")]
    [InlineData("", "/")]
    public void CleanPath_AddsOneLeadingSlash(string path, string expected)
    {
        Assert.Equal(expected, UrlParams.CleanPath(path));
    }
}
