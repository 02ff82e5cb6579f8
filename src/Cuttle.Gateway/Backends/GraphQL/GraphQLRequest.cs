using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Go;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Backends.GraphQL;

/// <summary>
/// backend/graphql (lura proxy/graphql.go with transport/http/client/graphql), compiled once per backend: turns the
/// backend request into a GraphQL request. A query fills "{param}" variables from the endpoint's params; a mutation
/// takes the client's JSON body as its variables, the configured ones filling the names the body lacks. POST sends
/// {"query","operationName","variables"} as a JSON body; GET sends them as query parameters and no body. Both set
/// Content-Type: application/json after input_headers was applied, as lura's filter runs before this middleware.
/// </summary>
internal sealed class GraphQLRequest
{
    public static readonly ImmutableArray<string> Namespaces = ["backend/graphql"];

    private static readonly StringValues Json = "application/json";

    private readonly bool _get;
    private readonly bool _mutation;
    private readonly string _query;
    private readonly string _operationName;
    private readonly Variable[] _variables;
    private readonly bool _hasPlaceholders;
    // The whole request when nothing depends on the client (a query without placeholders), built here once.
    private readonly byte[]? _staticBody;
    private readonly string? _staticQueryString;

    /// <summary>A configured variable: its Go-encoded value, or the param it is filled from.</summary>
    private readonly record struct Variable(string Name, string Json, int ParamIndex, string? ParamKey);

    private GraphQLRequest(GraphQLOptions options, ImmutableArray<string> endpointParams)
    {
        _get = options.Method == "GET";
        _mutation = options.Type == "mutation";
        _query = options.Query;
        _operationName = options.OperationName;
        var variables = new List<Variable>(options.Variables.Length);
        foreach (var (name, json) in options.Variables)
        {
            int index = -1;
            string? key = null;
            // lura: a string value "{x}" is the param X (first letter upper-cased); only a query substitutes it.
            if (!_mutation && json.Length > 4 && json[0] == '"' && json[1] == '{' && json[^2] == '}' && json[^1] == '"')
            {
                var param = JsonSerializerDecode(json)[1..^1];
                key = UrlTemplate.Title(param);
                for (var i = 0; i < endpointParams.Length; i++)
                {
                    if (UrlTemplate.Title(endpointParams[i]) == key) index = i;
                }
                _hasPlaceholders = true;
            }
            variables.Add(new Variable(name, json, index, key));
        }
        variables.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        _variables = [.. variables];
        if (!_mutation && !_hasPlaceholders)
        {
            if (_get) _staticQueryString = QueryString(VariablesJson(null));
            else _staticBody = Body(VariablesJson(null));
        }
    }

    public static GraphQLRequest? For(BackendConfig backend, EndpointConfig endpoint) =>
        backend.GraphQL is { } options ? new GraphQLRequest(options, endpoint.Params) : null;

    /// <summary>GET or POST: the method the GraphQL middleware sets, whatever the backend's.</summary>
    public static string MethodOf(GraphQLOptions options) => options.Method;

    /// <summary>
    /// The request to send and its URL. A mutation reads the client's body (buffered); a body that is not a JSON
    /// object fails the call with encoding/json's complaint, as the backend call fails in KrakenD.
    /// </summary>
    public async ValueTask<(ProxyRequest Request, string Url)> ApplyAsync(ProxyRequest request, string url, HashSet<string>? headerFilter, CancellationToken ct)
    {
        string variables;
        if (_mutation)
        {
            var body = await request.BufferBodyAsync(ct).ConfigureAwait(false) ?? [];
            variables = MergeBody(body);
        }
        else
        {
            variables = _hasPlaceholders ? VariablesJson(request) : "";
        }

        var headers = new List<KeyValuePair<string, StringValues>>(request.Headers.Count + 1);
        foreach (var h in request.Headers)
        {
            if (h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            if (headerFilter is null || headerFilter.Contains(h.Key)) headers.Add(h);
        }
        headers.Add(new("Content-Type", Json));

        byte[] payload = [];
        if (_get)
        {
            var query = _staticQueryString ?? QueryString(variables);
            var hash = url.IndexOf('#', StringComparison.Ordinal);
            var head = hash < 0 ? url : url[..hash];
            var separator = head.Contains('?', StringComparison.Ordinal) ? (head.EndsWith('?') ? "" : "&") : "?";
            url = head + separator + query + (hash < 0 ? "" : url[hash..]);
        }
        else
        {
            payload = _staticBody ?? Body(variables);
        }
        var shaped = new ProxyRequest
        {
            Method = request.Method,
            Params = request.Params,
            Headers = headers,
            Query = request.Query,
            BufferedBody = payload,
            ForwardedContentLength = payload.Length,
            SequentialParams = request.SequentialParams,
            Scope = request.Scope,
            Trace = request.Trace,
            HeadersFiltered = true,
        };
        return (shaped, url);
    }

    /// <summary>The "variables" object of a query (sorted, as Go marshals a map); "" when there are none (omitempty).</summary>
    private string VariablesJson(ProxyRequest? request)
    {
        if (_variables.Length == 0) return "";
        var sb = new StringBuilder("{");
        for (var i = 0; i < _variables.Length; i++)
        {
            var v = _variables[i];
            if (i > 0) sb.Append(',');
            GoJson.AppendString(sb, v.Name);
            sb.Append(':');
            if (v.ParamKey is null || request is null) sb.Append(v.Json);
            else GoJson.AppendString(sb, ParamValue(request, v));
        }
        return sb.Append('}').ToString();
    }

    /// <summary>The param a placeholder names; a missing one is "" (Go's map zero value).</summary>
    private static string ParamValue(ProxyRequest request, Variable v)
    {
        if (v.ParamIndex >= 0 && v.ParamIndex < request.Params.Length) return request.Params[v.ParamIndex];
        if (request.SequentialParams is { } seq)
        {
            foreach (var (key, value) in seq)
            {
                if (UrlTemplate.Title(key) == v.ParamKey) return value;
            }
        }
        return "";
    }

    /// <summary>The client's JSON object, with the configured variables it lacks, as Go re-marshals it.</summary>
    private string MergeBody(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new ShapingException(body.Length == 0 ? "unexpected end of JSON input" : "invalid character in the GraphQL variables body: " + ex.Message);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ShapingException($"json: cannot unmarshal {GoKind(root.ValueKind)} into Go value of type map[string]interface {{}}");
            var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject())
            {
                var buffer = new ArrayBufferWriter<byte>();
                WriteGo(buffer, p.Value);
                entries[p.Name] = Encoding.UTF8.GetString(buffer.WrittenSpan);
            }
            foreach (var v in _variables) entries.TryAdd(v.Name, v.Json);
            if (entries.Count == 0) return "";
            var sb = new StringBuilder("{");
            var first = true;
            foreach (var (name, json) in entries)
            {
                if (!first) sb.Append(',');
                first = false;
                GoJson.AppendString(sb, name);
                sb.Append(':').Append(json);
            }
            return sb.Append('}').ToString();
        }
    }

    private static string GoKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "null",
    };

    /// <summary>A value decoded into interface{} and marshalled again: maps sorted, numbers as float64.</summary>
    private static void WriteGo(ArrayBufferWriter<byte> output, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                var text = GoJsonWriter.FormatFloat(element.GetDouble());
                Encoding.ASCII.GetBytes(text, output.GetSpan(text.Length));
                output.Advance(text.Length);
                break;
            case JsonValueKind.Array:
                Raw(output, "["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first) Raw(output, ","u8);
                    first = false;
                    WriteGo(output, item);
                }
                Raw(output, "]"u8);
                break;
            case JsonValueKind.Object:
                var props = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var p in element.EnumerateObject()) props[p.Name] = p.Value;
                Raw(output, "{"u8);
                var firstProp = true;
                foreach (var (name, value) in props)
                {
                    if (!firstProp) Raw(output, ","u8);
                    firstProp = false;
                    GoJson.WriteString(output, name);
                    Raw(output, ":"u8);
                    WriteGo(output, value);
                }
                Raw(output, "}"u8);
                break;
            default:
                GoJsonWriter.WriteElement(output, element);
                break;
        }
    }

    private static void Raw(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    /// <summary>json.Marshal(GraphQLRequest): query, then operationName and variables unless empty.</summary>
    private byte[] Body(string variables)
    {
        var sb = new StringBuilder("{\"query\":");
        GoJson.AppendString(sb, _query);
        if (_operationName.Length > 0)
        {
            sb.Append(",\"operationName\":");
            GoJson.AppendString(sb, _operationName);
        }
        if (variables.Length > 0) sb.Append(",\"variables\":").Append(variables);
        return Encoding.UTF8.GetBytes(sb.Append('}').ToString());
    }

    /// <summary>url.Values{query, operationName, variables}.Encode(): sorted by key.</summary>
    private string QueryString(string variables)
    {
        var sb = new StringBuilder();
        if (_operationName.Length > 0)
        {
            sb.Append("operationName=");
            GoUrl.AppendQueryEscaped(sb, _operationName);
            sb.Append('&');
        }
        sb.Append("query=");
        GoUrl.AppendQueryEscaped(sb, _query);
        if (variables.Length > 0)
        {
            sb.Append("&variables=");
            GoUrl.AppendQueryEscaped(sb, variables);
        }
        return sb.ToString();
    }

    private static string JsonSerializerDecode(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetString() ?? "";
    }
}
