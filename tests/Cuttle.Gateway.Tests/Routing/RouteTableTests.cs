using Cuttle.Gateway.Routing;

namespace Cuttle.Gateway.Tests.Routing;

public sealed class RouteTableTests
{
    private static RouteTable<string> Create()
    {
        var b = new RouteTable<string>.Builder();
        Assert.True(b.Add("GET", "/", "root"));
        Assert.True(b.Add("GET", "/users/{id}", "user"));
        Assert.True(b.Add("GET", "/users/me", "me"));
        Assert.True(b.Add("POST", "/users/{id}", "update"));
        Assert.True(b.Add("GET", "/users/{id}/posts/{post}", "post"));
        Assert.True(b.Add("GET", "/Static", "static"));
        Assert.False(b.Add("GET", "/users/{other}", "dup")); // same shape, same method
        return b.Build();
    }

    [Theory]
    [InlineData("GET", "/", "root", "")]
    [InlineData("GET", "/users/me", "me", "")]
    [InlineData("GET", "/users/42", "user", "42")]
    [InlineData("POST", "/users/42", "update", "42")]
    [InlineData("GET", "/users/7/posts/9", "post", "7,9")]
    public void Finds_literal_and_param_routes(string method, string path, string handler, string parameters)
    {
        var match = Create().Find(method, path);
        Assert.Equal(handler, match.Handler);
        Assert.Equal(parameters, string.Join(",", match.Params));
    }

    [Fact]
    public void A_known_path_with_another_method_is_method_not_allowed()
    {
        var match = Create().Find("DELETE", "/users/1");
        Assert.Null(match.Handler);
        Assert.True(match.MethodNotAllowed);
    }

    [Fact]
    public void Empty_segments_do_not_match_params() => Assert.Null(Create().Find("GET", "/users/").Handler);

    [Fact]
    public void Trailing_slash_and_fixed_path_alternatives()
    {
        var table = Create();
        Assert.Equal("/users/me", table.TrailingSlashAlternative("GET", "/users/me/"));
        Assert.Null(table.TrailingSlashAlternative("GET", "/nope/"));
        Assert.Equal("/Static", table.FixedPath("GET", "/static"));
        Assert.Equal("/users/me", table.FixedPath("GET", "/USERS/./me"));
        Assert.Null(table.FixedPath("GET", "/missing"));
    }
}
