using Cuttle.Config.Model;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Tests.Endpoints;

public sealed class RequestFactoryTests
{
    private static ProxyRequest Create(string queryString, string[] inputQueryStrings, string[]? inputHeaders = null, (string, string)[]? headers = null)
    {
        var factory = new RequestFactory(new EndpointConfig
        {
            Endpoint = "/x",
            InputQueryStrings = [.. inputQueryStrings],
            InputHeaders = [.. inputHeaders ?? []],
        });
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(queryString);
        foreach (var (k, v) in headers ?? []) context.Request.Headers[k] = v;
        return factory.Create(context, [], new RequestScope());
    }

    private static string Render(ProxyRequest request) =>
        string.Join("&", request.Query.Select(kv => kv.Key + "=" + string.Join(",", kv.Value.ToArray())));

    [Fact]
    public void An_allow_listed_name_matches_only_its_exact_case()
    {
        Assert.Equal("page=1", Render(Create("?PAGE=2&page=1&Page=3", ["page"])));
        Assert.Equal("", Render(Create("?PAGE=2", ["page"])));
    }

    [Fact]
    public void Allowed_parameters_are_decoded_grouped_and_sorted_by_name()
    {
        Assert.Equal("a=1,3&b=x y", Render(Create("?b=x+y&c=no&a=1&a=3", ["b", "a"])));
        Assert.Equal("a b=%", Render(Create("?a%20b=%25", ["a b"])));
    }

    [Fact]
    public void A_wildcard_keeps_names_that_differ_only_in_case_apart()
    {
        Assert.Equal("PAGE=2&page=1,3", Render(Create("?page=1&PAGE=2&page=3", ["*"])));
    }

    [Fact]
    public void Input_headers_stay_case_insensitive()
    {
        var request = Create("", [], ["X-Custom"], [("x-CUSTOM", "v")]);

        Assert.Contains(request.Headers, h => h.Key == "X-Custom" && h.Value == "v");
    }
}
