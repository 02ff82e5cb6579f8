using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."backend/graphql" (alias github.com/devopsfaith/krakend/transport/http/client/graphql), backend level:
/// the backend request becomes a GraphQL request (lura proxy/graphql.go). A query takes its variables from the
/// endpoint's params, a mutation from the client's JSON body; GET sends them in the query string, POST as a JSON body.
/// </summary>
public sealed record GraphQLOptions
{
    /// <summary>"query" or "mutation" (lower-cased as lura does).</summary>
    public required string Type { get; init; }

    /// <summary>"GET" or "POST" (anything else is POST, as in lura).</summary>
    public required string Method { get; init; }

    /// <summary>The query text, inline or read from query_path when the configuration was loaded.</summary>
    public required string Query { get; init; }

    public string OperationName { get; init; } = "";

    /// <summary>
    /// The configured variables as raw JSON values, in file order; a string "{param}" is replaced by the endpoint
    /// param of that name (first letter upper-cased, as lura keys params) in a query.
    /// </summary>
    public ImmutableArray<KeyValuePair<string, string>> Variables { get; init; } = [];

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
