using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Tests.Routing;

/// <summary>gin's answers when no route matches: trailing-slash redirect, fixed-path redirect, 405, 404.</summary>
public sealed class RouteFallbackTests
{
    private static RouteTable<string> Routes()
    {
        var b = new RouteTable<string>.Builder();
        b.Add("GET", "/users/{id}", "user");
        b.Add("POST", "/users/{id}", "update");
        b.Add("GET", "/Static/page", "static");
        return b.Build();
    }

    private static async Task<(int Status, string? Location, string Body)> Answer(string method, string path, RouterOptions? router = null, string query = "")
    {
        var routes = Routes();
        var sut = new RouteFallback<string>(routes, router ?? new RouterOptions());
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        if (query.Length > 0) context.Request.QueryString = new QueryString(query);
        var body = new MemoryStream();
        context.Response.Body = body;
        await sut.AnswerAsync(context, method, path, routes.Find(method, path).MethodNotAllowed);
        var location = context.Response.Headers.Location.ToString();
        return (context.Response.StatusCode, location.Length == 0 ? null : location, Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task TrailingSlash_Get_RedirectsPermanentlyKeepingTheQuery()
    {
        var (status, location, body) = await Answer("GET", "/users/1/", query: "?a=1");

        Assert.Equal(301, status);
        Assert.Equal("/users/1?a=1", location);
        Assert.Equal("<a href=\"/users/1?a=1\">Moved Permanently</a>.\n\n", body);
    }

    [Fact]
    public async Task TrailingSlash_Post_RedirectsWith307AndNoBody()
    {
        var (status, location, body) = await Answer("POST", "/users/1/");

        Assert.Equal(307, status);
        Assert.Equal("/users/1", location);
        Assert.Empty(body);
    }

    [Fact]
    public async Task FixedPath_RedirectsToTheRoutesCasing()
    {
        var (status, location, _) = await Answer("GET", "/static/../static/PAGE");

        Assert.Equal(301, status);
        Assert.Equal("/Static/page", location);
    }

    [Fact]
    public async Task FixedPath_Disabled_AnswersNotFound()
    {
        var (status, location, body) = await Answer("GET", "/static/PAGE", new RouterOptions { DisableRedirectFixedPath = true });

        Assert.Equal(404, status);
        Assert.Null(location);
        Assert.Equal("404 page not found", body);
    }

    [Fact]
    public async Task OtherMethod_AnswersMethodNotAllowed_UnlessDisabled()
    {
        Assert.Equal((405, null, "405 method not allowed"), await Answer("DELETE", "/users/1"));
        Assert.Equal((404, null, "404 page not found"), await Answer("DELETE", "/users/1", new RouterOptions { DisableHandleMethodNotAllowed = true }));
    }
}
