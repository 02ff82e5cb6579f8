using System.Buffers;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private const string GraphQLNs = "backend/graphql";

    private static readonly FrozenSet<string> GraphQLKnown = FrozenSet.ToFrozenSet(
        ["type", "query", "query_path", "variables", "operationName", "method"], StringComparer.Ordinal);

    /// <summary>
    /// lura's graphql.GetOptions: type (lower-cased), method (upper-cased; anything but GET is POST), query or the
    /// file at query_path (read now, relative to the working directory, as KrakenD reads it at start-up), variables,
    /// operationName. KrakenD logs a block it cannot decode or a file it cannot read and sends the backend request
    /// unchanged, and silently skips a type other than query or mutation; Cuttle refuses all three with a position.
    /// </summary>
    private GraphQLOptions? BindGraphQL(JsonNode? extra)
    {
        if (RawNamespace(extra, GraphQLNs) is not { } g)
            return null;
        if (g.Kind != JsonNodeKind.Object)
        {
            Error(g, $"\"{GraphQLNs}\" must be an object, got {g.KindName}");
            return null;
        }
        LintUnknown(g, GraphQLKnown, $"\"{GraphQLNs}\"");
        string S(string key)
        {
            if (g[key] is not { } n || n.Kind == JsonNodeKind.Null) return "";
            if (n.Kind == JsonNodeKind.String) return n.Text!;
            Error(n, $"\"{GraphQLNs}.{key}\" must be a string, got {n.KindName}");
            return "";
        }

        var type = S("type").ToLowerInvariant();
        if (type is not ("query" or "mutation"))
            Error(g["type"] ?? g, $"\"{GraphQLNs}.type\" must be \"query\" or \"mutation\", got \"{type}\" (KrakenD then skips the GraphQL transformation)");
        var method = S("method").ToUpperInvariant();
        if (method is not ("GET" or "POST"))
        {
            if (method.Length > 0 && _options.Lint && g["method"] is { } mn)
                Warning(mn, $"\"{GraphQLNs}.method\" is \"{method}\"; KrakenD sends GraphQL requests with GET or POST only and uses POST");
            method = "POST";
        }
        var query = S("query");
        var queryPath = S("query_path");
        if (queryPath.Length > 0)
        {
            try
            {
                query = File.ReadAllText(queryPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                Error(g["query_path"]!, $"\"{GraphQLNs}.query_path\": cannot read the GraphQL query file \"{queryPath}\": {ex.Message}");
            }
        }

        var variables = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        if (g["variables"] is { Kind: not JsonNodeKind.Null } vars)
        {
            if (vars.Kind != JsonNodeKind.Object)
            {
                Error(vars, $"\"{GraphQLNs}.variables\" must be an object of variable name to value, got {vars.KindName}");
            }
            else
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                // The last of a repeated key wins, as in the map encoding/json fills.
                for (var i = vars.Properties.Length - 1; i >= 0; i--)
                {
                    var p = vars.Properties[i];
                    if (!seen.Add(p.Name)) continue;
                    if (p.Value.Kind == JsonNodeKind.String && p.Value.Text == "{}")
                        Error(p.Value, $"\"{GraphQLNs}.variables.{p.Name}\": \"{{}}\" names no param (KrakenD panics on it)");
                    variables.Add(new(p.Name, GoJsonOf(p.Value)));
                }
                variables.Reverse();
            }
        }
        return new GraphQLOptions
        {
            Type = type,
            Method = method,
            Query = query,
            OperationName = S("operationName"),
            Variables = variables.ToImmutable(),
            Location = Loc(g),
        };
    }

    /// <summary>
    /// A config value as Go's json.Marshal writes the interface{} encoding/json decoded it into: object keys sorted,
    /// numbers as float64, strings HTML-escaped.
    /// </summary>
    private static string GoJsonOf(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, node);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);

        static void Write(ArrayBufferWriter<byte> output, JsonNode node)
        {
            switch (node.Kind)
            {
                case JsonNodeKind.Object:
                    Raw(output, "{");
                    var first = true;
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    var props = new List<JsonMember>();
                    for (var i = node.Properties.Length - 1; i >= 0; i--)
                    {
                        if (seen.Add(node.Properties[i].Name)) props.Add(node.Properties[i]);
                    }
                    props.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                    foreach (var p in props)
                    {
                        if (!first) Raw(output, ",");
                        first = false;
                        GoJson.WriteString(output, p.Name);
                        Raw(output, ":");
                        Write(output, p.Value);
                    }
                    Raw(output, "}");
                    break;
                case JsonNodeKind.Array:
                    Raw(output, "[");
                    for (var i = 0; i < node.Items.Length; i++)
                    {
                        if (i > 0) Raw(output, ",");
                        Write(output, node.Items[i]);
                    }
                    Raw(output, "]");
                    break;
                case JsonNodeKind.String: GoJson.WriteString(output, node.Text!); break;
                case JsonNodeKind.Number: Raw(output, GoFloat(double.Parse(node.Text!, NumberStyles.Float, CultureInfo.InvariantCulture))); break;
                case JsonNodeKind.True: Raw(output, "true"); break;
                case JsonNodeKind.False: Raw(output, "false"); break;
                default: Raw(output, "null"); break;
            }
        }

        static void Raw(ArrayBufferWriter<byte> output, string ascii)
        {
            var span = output.GetSpan(ascii.Length);
            for (var i = 0; i < ascii.Length; i++) span[i] = (byte)ascii[i];
            output.Advance(ascii.Length);
        }
    }

    /// <summary>Go's float64 marshalling: shortest round-trip form, exponent only below 1e-6 or from 1e21.</summary>
    private static string GoFloat(double d)
    {
        var abs = Math.Abs(d);
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) return s.Replace("E", "e", StringComparison.Ordinal);
        if (s.Contains('E', StringComparison.Ordinal)) return d.ToString("0.############################", CultureInfo.InvariantCulture);
        return s;
    }
}
