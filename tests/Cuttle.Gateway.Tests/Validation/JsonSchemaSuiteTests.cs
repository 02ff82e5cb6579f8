using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cuttle.Gateway.Validation;
using Xunit.Abstractions;

namespace Cuttle.Gateway.Tests.Validation;

/// <summary>
/// Runs every case of the official JSON-Schema-Test-Suite (vendored under JSON-Schema-Test-Suite/, draft7 and
/// draft2020-12) against the validator the gateway ships. The required cases must all pass except those listed in
/// <see cref="JsonSchemaSuiteKnownFailures"/>, each with its reason; a listed case that starts passing fails the test
/// too, so the list stays exact. The optional cases (format assertions, bignums, ECMAScript regex details...) are
/// reported apart and held to the measured floor.
/// </summary>
public sealed class JsonSchemaSuiteTests(ITestOutputHelper output)
{
    private static readonly string SuiteRoot = Path.Combine(AppContext.BaseDirectory, "Validation", "JSON-Schema-Test-Suite");

    /// <summary>The documents of remotes/, under the base URI the suite's $ref tests expect (its README).</summary>
    private static readonly Lazy<Dictionary<Uri, JsonElement>> Remotes = new(LoadRemotes);

    [Theory]
    [InlineData("draft7")]
    [InlineData("draft2020-12")]
    public void Required_cases_all_pass_except_the_listed_ones(string draft)
    {
        var run = Run(draft, optional: false);
        output.WriteLine($"{draft} required: {run.Passed}/{run.Total} passed ({100.0 * run.Passed / run.Total:F1}%)");

        var known = JsonSchemaSuiteKnownFailures.Required;
        var unexpected = new StringBuilder();
        foreach (var failure in run.Failures)
            if (!known.ContainsKey(failure)) unexpected.AppendLine("  fails: " + failure);
        foreach (var (id, _) in known)
            if (id.StartsWith(draft + "/", StringComparison.Ordinal) && run.Seen.Contains(id) && !run.Failures.Contains(id))
                unexpected.AppendLine("  passes now, remove it from the known failures: " + id);
        foreach (var (id, _) in known)
            if (id.StartsWith(draft + "/", StringComparison.Ordinal) && !run.Seen.Contains(id))
                unexpected.AppendLine("  listed but not in the suite: " + id);
        Assert.True(unexpected.Length == 0, $"{draft}: the suite's results moved from the known list:\n{unexpected}");
    }

    [Theory]
    [InlineData("draft7", JsonSchemaSuiteKnownFailures.Draft7OptionalFloor)]
    [InlineData("draft2020-12", JsonSchemaSuiteKnownFailures.Draft202012OptionalFloor)]
    public void Optional_cases_stay_at_or_above_the_measured_pass_count(string draft, int floor)
    {
        var run = Run(draft, optional: true);
        output.WriteLine($"{draft} optional (format included): {run.Passed}/{run.Total} passed ({100.0 * run.Passed / run.Total:F1}%)");
        foreach (var failure in run.Failures) output.WriteLine("  fails: " + failure);
        Assert.True(run.Passed >= floor, $"{draft} optional: {run.Passed} passed, the measured floor is {floor}");
    }

    private sealed record SuiteRun(int Total, int Passed, HashSet<string> Failures, HashSet<string> Seen);

    private static SuiteRun Run(string draft, bool optional)
    {
        var dir = Path.Combine(SuiteRoot, "tests", draft);
        var optionalDir = Path.Combine(dir, "optional");
        var files = Directory.GetFiles(optional ? optionalDir : dir, "*.json", optional ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly);
        Array.Sort(files, StringComparer.Ordinal);
        Assert.NotEmpty(files);

        int total = 0, passed = 0;
        var failures = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(dir, file).Replace('\\', '/');
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var group in doc.RootElement.EnumerateArray())
            {
                var groupName = group.GetProperty("description").GetString();
                JsonSchemaValidator? validator = null;
                try
                {
                    validator = Compile(group.GetProperty("schema"), draft);
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException or FormatException)
                {
                    // An unusable schema fails every case of its group.
                }
                foreach (var test in group.GetProperty("tests").EnumerateArray())
                {
                    var id = $"{draft}/{relative}: {groupName} / {test.GetProperty("description").GetString()}";
                    total++;
                    seen.Add(id);
                    if (validator is not null && Passes(validator, test)) passed++;
                    else failures.Add(id);
                }
            }
        }
        return new SuiteRun(total, passed, failures, seen);
    }

    private static bool Passes(JsonSchemaValidator validator, JsonElement test)
    {
        try
        {
            return (validator.Validate(test.GetProperty("data")).Count == 0) == test.GetProperty("valid").GetBoolean();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or OverflowException or RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>The suite's rule: a schema without $schema is read as the draft of its folder.</summary>
    private static JsonSchemaValidator Compile(JsonElement schema, string draft) =>
        JsonSchemaValidator.Compile(schema, draft == "draft7" ? JsonSchemaDraft.Draft7 : JsonSchemaDraft.Draft202012, Remotes.Value);

    private static Dictionary<Uri, JsonElement> LoadRemotes()
    {
        var remotes = new Dictionary<Uri, JsonElement>();
        var root = Path.Combine(SuiteRoot, "remotes");
        foreach (var file in Directory.GetFiles(root, "*.json", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            remotes[new Uri("http://localhost:1234/" + relative)] = doc.RootElement.Clone();
        }
        return remotes;
    }
}
