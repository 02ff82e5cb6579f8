using Cuttle.Config.Model;
using Cuttle.Gateway.Backends.Martian;
using Cuttle.Gateway.Data;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Tests.Backends.Martian;

/// <summary>The compiled martian steps on a request state, against what Go's net/url and net/http produce.</summary>
public sealed class MartianPlanTests
{
    private static MartianRequest Run(MartianModifier modifier, string url = "http://h:8080/p?x=1", params (string, string)[] headers)
    {
        var scope = new RequestScope();
        var list = new List<KeyValuePair<string, StringValues>>();
        foreach (var (k, v) in headers) list.Add(new(k, v));
        var request = new ProxyRequest { Method = "GET", Params = [], Headers = list, Query = [], Scope = scope };
        var plan = MartianPlan.For(new BackendConfig { UrlPattern = "/", Martian = new MartianOptions { Root = modifier } })!;
        var state = plan.ModifyRequest(request, url, null, out var error);
        Assert.Null(error);
        return state;
    }

    [Fact]
    public void Querystring_modifier_parses_and_encodes_as_go_does()
    {
        var state = Run(new MartianQueryString { Kind = "querystring.Modifier", Scope = MartianScope.Request, Name = "k", Value = "a&b" },
            "http://h/p?z=%zz&b=1+2&a=x;y&b=3");

        // A bad escape and a ';' drop their pair (ParseQuery); the rest is sorted by key, values in order.
        Assert.Equal("b=1+2&b=3&k=a%26b", state.RawQuery);
    }

    [Fact]
    public void Url_modifier_escapes_its_path_and_keeps_the_user_info()
    {
        var state = Run(new MartianUrl { Kind = "url.Modifier", Scope = MartianScope.Request, Host = "other:9", Path = "/a b/ü", Scheme = "https" },
            "http://u:p@h:8080/p?x=1");

        Assert.Equal("https://u:p@other:9/a%20b/%C3%BC?x=1", state.Url);
    }

    [Fact]
    public void Cookie_modifier_appends_to_the_cookie_header_with_gos_quoting()
    {
        var state = Run(new MartianCookie { Kind = "cookie.Modifier", Scope = MartianScope.Both, Name = "n", Value = "a b;\"c" }, headers: [("Cookie", "x=1")]);

        Assert.Equal("x=1; n=\"a bc\"", state.Get("Cookie"));
    }

    [Fact]
    public void Scope_decides_the_phase_a_modifier_runs_in()
    {
        var responseOnly = new MartianHeader { Kind = "header.Modifier", Scope = MartianScope.Response, Name = "X-A", Value = "1" };
        var group = new MartianGroup { Kind = "fifo.Group", Scope = MartianScope.Request, Modifiers = [responseOnly] };

        // A response-scoped modifier inside a request-only group runs in neither phase: no plan at all.
        Assert.Null(MartianPlan.For(new BackendConfig { UrlPattern = "/", Martian = new MartianOptions { Root = group } }));
        Assert.Null(Run(new MartianGroup { Kind = "fifo.Group", Scope = MartianScope.Both, Modifiers = [responseOnly, new MartianHeaderId { Kind = "header.Id", Scope = MartianScope.Request, Header = "X-Id" }] }).Get("X-A"));
    }

    [Theory]
    [InlineData("/../../etc/passwd", "/etc/passwd")]
    [InlineData("/a/./b//c/..", "/a/b")]
    [InlineData("", "/")]
    public void Static_paths_never_leave_the_root(string path, string cleaned) => Assert.Equal(cleaned, StaticStep.CleanRooted(path));
}
