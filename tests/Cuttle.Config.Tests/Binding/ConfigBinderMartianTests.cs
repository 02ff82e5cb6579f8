using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderMartianTests
{
    // The namespace's value starts on line 3 of the file.
    private static ConfigLoadResult Backend(string martian, ConfigLoadOptions? options = null) => Parse($$$"""
        {"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"],
          "extra_config": { "modifier/martian":
        {{{martian}}}
        }}]}]}
        """, options);

    private static MartianModifier Bound(string martian)
    {
        var result = Backend(martian);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.Endpoints[0].Backend[0].Martian!.Root;
    }

    [Fact]
    public void A_real_world_group_binds_with_each_modifiers_effective_scope()
    {
        var root = Assert.IsType<MartianGroup>(Bound("""
            {"fifo.Group": {"scope": ["request", "response"], "aggregateErrors": true, "modifiers": [
              {"header.Modifier": {"scope": ["request", "response"], "name": "x-martian", "value": "ouh yeah!"}},
              {"body.Modifier": {"scope": ["request"], "contentType": "application/json", "body": "eyJtc2ciOiJ5b3Ugcm9jayEifQ=="}},
              {"header.RegexFilter": {"scope": ["request"], "header": "X-Neptunian", "regex": "no!",
                "modifier": {"header.Modifier": {"scope": ["request"], "name": "X-Martian-New", "value": "some value"}}}},
              {"querystring.Modifier": {"name": "q", "value": "1"}}]}}
            """));

        Assert.True(root.AggregateErrors);
        Assert.Equal(MartianScope.Both, root.Scope);
        var header = Assert.IsType<MartianHeader>(root.Modifiers[0]);
        Assert.Equal(("X-Martian", "ouh yeah!", MartianScope.Both), (header.Name, header.Value, header.Scope));
        Assert.Equal("""{"msg":"you rock!"}"""u8.ToArray(), Assert.IsType<MartianBody>(root.Modifiers[1]).Body.ToArray());
        Assert.Equal(MartianScope.Request, root.Modifiers[2].Scope);
        // No scope: every phase the modifier has (querystring.Modifier has only the request one).
        Assert.Equal(MartianScope.Request, root.Modifiers[3].Scope);
    }

    [Fact]
    public void An_unknown_modifier_is_an_error_naming_it_and_its_position()
    {
        var error = SingleError(Backend("""
            {"fifo.Group": {"modifiers": [{"header.Modifier": {"name": "a", "value": "b"}}, {"header.Modifer": {"name": "a"}}]}}
            """));

        Assert.Contains("unknown martian modifier \"header.Modifer\" in fifo.Group.modifiers[1]", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Location.Line);
        Assert.EndsWith("modifiers[1][\"header.Modifer\"]", error.Location.JsonPath, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"header.RegexFilter": {"header": "X", "regex": "(a", "modifier": {"header.Modifier": {"name": "a"}}}}""", "header.RegexFilter.regex\" is not a valid regular expression")]
    [InlineData("""{"header.Modifier": {"name": 5, "value": "b"}}""", "\"header.Modifier.name\" must be a string, got the number 5")]
    [InlineData("""{"querystring.Modifier": {"scope": ["response"], "name": "q"}}""", "querystring.Modifier has no response phase")]
    [InlineData("""{"header.Modifier": {"scope": ["both"], "name": "a"}}""", "invalid scope the string \"both\"")]
    [InlineData("""{"body.Modifier": {"body": "not base64!"}}""", "\"body.Modifier.body\" must be base64")]
    [InlineData("""{"header.Modifier": {"name": "a"}, "header.Blacklist": {}}""", "must hold exactly one martian modifier, got 2")]
    [InlineData("""{"stash.Modifier": {"scope": ["response"], "headerName": "X"}}""", "the scope must be both request and response")]
    [InlineData("""{"url.Filter": {}}""", "martian modifier \"url.Filter\" in modifier/martian is not supported by Cuttle")]
    [InlineData("""{"header.Modifier": {"name": "Host", "value": "x"}}""", "Host is set by the backend client")]
    public void Bad_input_is_an_error_with_its_position(string martian, string message)
    {
        var error = SingleError(Backend(martian));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Location.Line);
    }

    [Fact]
    public void Unknown_keys_are_linted()
    {
        var result = Backend("""
            {"header.Modifier": {"scope": ["request"], "name": "X-Client-Cert", "value": "", "op": "notempty"}}
            """, new ConfigLoadOptions { Lint = true });

        Assert.True(result.Success);
        var warning = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("\"op\"", StringComparison.Ordinal));
        Assert.Contains("martian modifier \"header.Modifier\"", warning.Message, StringComparison.Ordinal);
    }
}
