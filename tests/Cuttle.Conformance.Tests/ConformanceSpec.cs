using System.Text.Json;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// One krakend-ce spec file (<c>fixtures/specs/NAME.json</c>, the runner's <c>TestCase</c>): the request to send and
/// the response to expect. Parsed from text whose ports were already rewritten.
/// </summary>
internal sealed record ConformanceSpec
{
    public required string Name { get; init; }

    public required string Method { get; init; }

    public required string Url { get; init; }

    /// <summary>Request headers in file order; the runner adds each with Go's <c>Header.Add</c> (canonical key).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; init; }

    /// <summary>Raw request body: a JSON string is sent as is, any other JSON value re-marshalled by Go; null = no body.</summary>
    public byte[]? RequestBody { get; init; }

    public required int StatusCode { get; init; }

    /// <summary>Expected body: a string element → byte-exact, another value → JSON deep-equal, null → not checked.</summary>
    public JsonElement? Body { get; init; }

    public required IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Headers { get; init; }

    /// <summary>A non-empty JSON schema, used instead of <see cref="Body"/>.</summary>
    public string? Schema { get; init; }

    /// <summary>The client error string that counts as a pass (Go error text), if any.</summary>
    public string? ExpectedError { get; init; }

    public static ConformanceSpec Parse(string name, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var input = root.TryGetProperty("in", out var i) ? i : default;
        var output = root.TryGetProperty("out", out var o) ? o : default;

        var method = GetString(input, "method");
        var headers = new List<KeyValuePair<string, string>>();
        if (input.ValueKind == JsonValueKind.Object && input.TryGetProperty("header", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in h.EnumerateObject())
            {
                headers.Add(new(p.Name, p.Value.GetString() ?? string.Empty));
            }
        }

        byte[]? body = null;
        if (input.ValueKind == JsonValueKind.Object && input.TryGetProperty("body", out var b) && b.ValueKind != JsonValueKind.Null)
        {
            body = b.ValueKind == JsonValueKind.String
                ? System.Text.Encoding.UTF8.GetBytes(b.GetString()!)
                : System.Text.Encoding.UTF8.GetBytes(GoJson.MarshalElement(b));
        }

        var expectedHeaders = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        if (output.ValueKind == JsonValueKind.Object && output.TryGetProperty("header", out var eh) && eh.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in eh.EnumerateObject())
            {
                var values = new List<string>();
                foreach (var v in p.Value.EnumerateArray())
                {
                    values.Add(v.GetString() ?? string.Empty);
                }

                expectedHeaders.Add(new(p.Name, values));
            }
        }

        JsonElement? expectedBody = null;
        if (output.ValueKind == JsonValueKind.Object && output.TryGetProperty("body", out var eb) && eb.ValueKind != JsonValueKind.Null)
        {
            expectedBody = eb.Clone();
        }

        string? schema = null;
        if (output.ValueKind == JsonValueKind.Object && output.TryGetProperty("schema", out var s)
            && s.ValueKind == JsonValueKind.Object && s.EnumerateObject().Any())
        {
            schema = s.GetRawText();
        }

        return new ConformanceSpec
        {
            Name = name,
            Method = string.IsNullOrEmpty(method) ? "GET" : method,
            Url = GetString(input, "url") ?? string.Empty,
            RequestHeaders = headers,
            RequestBody = body,
            StatusCode = output.ValueKind == JsonValueKind.Object && output.TryGetProperty("status_code", out var sc) ? sc.GetInt32() : 0,
            Body = expectedBody,
            Headers = expectedHeaders,
            Schema = schema,
            ExpectedError = GetString(root, "error"),
        };
    }

    private static string? GetString(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
