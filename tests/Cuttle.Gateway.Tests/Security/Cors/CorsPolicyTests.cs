using Cuttle.Config.Model;
using Cuttle.Gateway.Security.Cors;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Tests.Security.Cors;

public sealed class CorsPolicyTests
{
    private static readonly CorsOptions Fixture = new()
    {
        AllowOrigins = ["*"],
        AllowMethods = ["POST", "GET"],
        AllowHeaders = ["Origin", "Authorization", "Content-Type"],
        ExposeHeaders = ["Content-Length"],
        MaxAge = TimeSpan.FromHours(12),
    };

    private static DefaultHttpContext Request(string method, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        foreach (var (name, value) in headers) context.Request.Headers.Append(name, value);
        return context;
    }

    [Fact]
    public void Preflight_AllowedOriginMethodAndHeaders_AnswersWithEchoedValues()
    {
        var context = Request("OPTIONS", ("Origin", "http://foo.example"), ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "content-type,origin"));

        var answered = new CorsPolicy(Fixture).Intercept(context);

        Assert.NotNull(answered);
        Assert.Equal(204, context.Response.StatusCode);
        Assert.Equal("*", context.Response.Headers["Access-Control-Allow-Origin"]);
        Assert.Equal("GET", context.Response.Headers["Access-Control-Allow-Methods"]);
        Assert.Equal("content-type,origin", context.Response.Headers["Access-Control-Allow-Headers"]);
        Assert.Equal("43200", context.Response.Headers["Access-Control-Max-Age"]);
        Assert.Equal("Origin, Access-Control-Request-Method, Access-Control-Request-Headers", context.Response.Headers.Vary);
    }

    [Theory]
    [InlineData("PUT", "")] // method not allowed
    [InlineData("POST", "X-PINGOTHER")] // header not allowed
    [InlineData("GET", "origin,content-type")] // not in Fetch order: rs/cors rejects it
    [InlineData("GET", "content-type,  origin")] // more than one space around a name
    public void Preflight_Rejected_AnswersWithoutCorsHeaders(string method, string requestHeaders)
    {
        var context = Request("OPTIONS", ("Origin", "http://foo.example"), ("Access-Control-Request-Method", method),
            ("Access-Control-Request-Headers", requestHeaders));

        Assert.NotNull(new CorsPolicy(Fixture).Intercept(context));

        Assert.Equal(204, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("Access-Control-Allow-Origin"));
        Assert.False(context.Response.Headers.ContainsKey("Access-Control-Allow-Methods"));
    }

    [Fact]
    public void Preflight_OptionsPassthrough_ContinuesToTheRouter()
    {
        var context = Request("OPTIONS", ("Origin", "http://foo.example"), ("Access-Control-Request-Method", "GET"));

        var answered = new CorsPolicy(Fixture with { OptionsPassthrough = true }).Intercept(context);

        Assert.Null(answered);
        Assert.Equal("*", context.Response.Headers["Access-Control-Allow-Origin"]);
    }

    [Fact]
    public void OptionsWithoutRequestMethod_IsAnActualRequest()
    {
        var context = Request("OPTIONS", ("Origin", "http://foo.example"));

        Assert.Null(new CorsPolicy(Fixture).Intercept(context));
        Assert.Equal("Origin", context.Response.Headers.Vary);
    }

    [Fact]
    public void Actual_AllowedOrigin_AddsVaryAllowOriginAndExposeHeaders()
    {
        var context = Request("GET", ("Origin", "http://foo.example.tld"));

        Assert.Null(new CorsPolicy(Fixture).Intercept(context));

        Assert.Equal("Origin", context.Response.Headers.Vary);
        Assert.Equal("*", context.Response.Headers["Access-Control-Allow-Origin"]);
        Assert.Equal("Content-Length", context.Response.Headers["Access-Control-Expose-Headers"]);
    }

    [Fact]
    public void Actual_NoOrigin_StillVariesOnOrigin()
    {
        var context = Request("GET");

        Assert.Null(new CorsPolicy(Fixture).Intercept(context));

        Assert.Equal("Origin", context.Response.Headers.Vary);
        Assert.False(context.Response.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://api.example.com", true)]
    [InlineData("HTTPS://API.EXAMPLE.COM", true)] // rs/cors lower-cases both sides
    [InlineData("https://x.wild.example.org", true)]
    [InlineData("https://wild.example.org", false)]
    [InlineData("https://evil.com", false)]
    public void Actual_ListedOrigins_EchoTheOriginWhenAllowed(string origin, bool allowed)
    {
        var policy = new CorsPolicy(Fixture with { AllowOrigins = ["https://api.example.com", "https://*.wild.example.org"], AllowCredentials = true });
        var context = Request("GET", ("Origin", origin));

        policy.Intercept(context);

        Assert.Equal(allowed ? origin : null, (string?)context.Response.Headers["Access-Control-Allow-Origin"]);
        Assert.Equal(allowed ? "true" : null, (string?)context.Response.Headers["Access-Control-Allow-Credentials"]);
    }

    [Fact]
    public void Actual_MethodNotAllowed_GetsOnlyVary()
    {
        var context = Request("DELETE", ("Origin", "http://foo.example"));

        new CorsPolicy(Fixture).Intercept(context);

        Assert.Equal("Origin", context.Response.Headers.Vary);
        Assert.False(context.Response.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Fact]
    public void Preflight_DefaultMethods_AreGetPostHead()
    {
        var policy = new CorsPolicy(new CorsOptions());
        var head = Request("OPTIONS", ("Origin", "http://a"), ("Access-Control-Request-Method", "HEAD"));
        var put = Request("OPTIONS", ("Origin", "http://a"), ("Access-Control-Request-Method", "PUT"));

        policy.Intercept(head);
        policy.Intercept(put);

        Assert.Equal("HEAD", head.Response.Headers["Access-Control-Allow-Methods"]);
        Assert.False(put.Response.Headers.ContainsKey("Access-Control-Allow-Methods"));
    }
}
