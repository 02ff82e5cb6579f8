using System.Text;
using System.Text.Json;
using NJsonSchema;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// Compares a response with a spec the way krakend-ce's <c>assertResponse</c> does: status; each expected header by
/// canonical name with an exact value list (<c>[""]</c> = must be absent); then the schema if one is given, else the
/// body — a JSON string byte for byte, any other JSON value by parsing both sides and comparing values (numbers as
/// float64, like Go's <c>reflect.DeepEqual</c> on <c>interface{}</c>). Returns the differences; empty means pass.
/// </summary>
internal static class SpecComparer
{
    public static async Task<List<string>> CompareAsync(ConformanceSpec spec, GoResponse actual)
    {
        var errors = new List<string>();
        if (actual.StatusCode != spec.StatusCode)
        {
            errors.Add($"unexpected status code. have: {actual.StatusCode}, want: {spec.StatusCode}");
        }

        foreach (var (name, expected) in spec.Headers)
        {
            var key = GoHeaderKey.Canonical(name);
            var present = actual.Headers.TryGetValue(key, out var have);
            if (present && have!.SequenceEqual(expected))
            {
                continue;
            }

            if (present)
            {
                errors.Add($"unexpected value for header {key}. have: {GoList(have!)}, want: {GoList(expected)}");
                continue;
            }

            if (expected.Count > 0 && expected[0].Length > 0)
            {
                errors.Add($"header {key} not present: {FormatHeaders(actual.Headers)}");
            }
        }

        if (spec.Schema is not null)
        {
            if (actual.Body.Length == 0)
            {
                errors.Add("cannot validate empty body");
                return errors;
            }

            var schema = await JsonSchema.FromJsonAsync(spec.Schema).ConfigureAwait(false);
            ICollection<NJsonSchema.Validation.ValidationError> problems;
            try
            {
                problems = schema.Validate(Encoding.UTF8.GetString(actual.Body));
            }
            catch (Newtonsoft.Json.JsonException ex)
            {
                errors.Add($"problem unmarshaling the body: {ex.Message}");
                return errors;
            }

            foreach (var problem in problems)
            {
                errors.Add($"problem validating the body: {problem}");
            }
        }
        else if (spec.Body is { } body)
        {
            if (body.ValueKind == JsonValueKind.String)
            {
                var want = body.GetString()!;
                if (!Encoding.UTF8.GetBytes(want).AsSpan().SequenceEqual(actual.Body))
                {
                    errors.Add($"unexpected body.\n\t\thave: {Show(Encoding.UTF8.GetString(actual.Body))}\n\t\twant: {Show(want)}");
                }
            }
            else
            {
                JsonElement? have = null;
                try
                {
                    using var doc = JsonDocument.Parse(actual.Body);
                    have = doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    // Go ignores the Unmarshal error: the body stays nil and cannot equal the expected value.
                }

                if (have is null || !JsonValueEquality.AreEqual(have.Value, body))
                {
                    errors.Add($"unexpected body.\n\t\thave: {Show(Encoding.UTF8.GetString(actual.Body))}\n\t\twant: {body.GetRawText()}");
                }
            }
        }

        return errors;
    }

    private static string GoList(IEnumerable<string> values) => "[" + string.Join(' ', values) + "]";

    private static string FormatHeaders(IReadOnlyDictionary<string, List<string>> headers)
    {
        var keys = headers.Keys.ToList();
        keys.Sort(StringComparer.Ordinal);
        return "map[" + string.Join(' ', keys.Select(k => k + ":" + GoList(headers[k]))) + "]";
    }

    /// <summary>Shows control characters so that a missing or extra trailing newline is visible in the report.</summary>
    private static string Show(string s) => JsonSerializer.Serialize(s, JsonOptions.Readable);
}
