using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderGraphQLTests
{
    private static ConfigLoadResult Backend(string graphql, ConfigLoadOptions? options = null) => Parse($$$"""
        {"version": 3, "endpoints": [{"endpoint": "/a/{id}", "backend": [{"url_pattern": "/", "host": ["h"],
          "extra_config": { "backend/graphql":
        {{{graphql}}}
        }}]}]}
        """, options);

    private static GraphQLOptions Bound(string graphql)
    {
        var result = Backend(graphql);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.Endpoints[0].Backend[0].GraphQL!;
    }

    [Fact]
    public void Type_and_method_are_normalised_and_variables_kept_as_go_json()
    {
        var g = Bound("""{"type": "QUERY", "method": "get", "query": "{ a }", "variables": {"b": {"y": 1.0, "x": "<"}, "a": "{id}"}}""");

        Assert.Equal(("query", "GET", "{ a }"), (g.Type, g.Method, g.Query));
        Assert.Equal("b={\"x\":\"\\u003c\",\"y\":1}|a=\"{id}\"", string.Join("|", g.Variables.Select(v => v.Key + "=" + v.Value)));
        Assert.Equal("POST", Bound("""{"type": "mutation", "method": "PUT", "query": "m"}""").Method);
    }

    [Fact]
    public void The_query_is_read_from_query_path()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "{ fromFile }");
            Assert.Equal("{ fromFile }", Bound($$"""{"type": "query", "query_path": "{{file}}"}""").Query);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("""{"type": "query", "query_path": "/nonexistent/q.graphql"}""", "cannot read the GraphQL query file \"/nonexistent/q.graphql\"")]
    [InlineData("""{"type": "subscription", "query": "x"}""", "must be \"query\" or \"mutation\"")]
    [InlineData("""{"type": "query", "query": 5}""", "\"backend/graphql.query\" must be a string, got the number 5")]
    [InlineData("""{"type": "query", "query": "x", "variables": []}""", "\"backend/graphql.variables\" must be an object")]
    public void Bad_input_is_an_error_with_its_position(string graphql, string message)
    {
        var error = SingleError(Backend(graphql));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Location.Line);
    }

    [Fact]
    public void Unknown_keys_are_linted()
    {
        var result = Backend("""{"type": "query", "query": "x", "operation_name": "y"}""", new ConfigLoadOptions { Lint = true });

        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("\"operation_name\"", StringComparison.Ordinal));
    }
}
