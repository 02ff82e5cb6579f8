using System.Text;
using System.Text.Json;
using Cuttle.Tests.Support;

namespace Cuttle.Config.Tests.Formats;

/// <summary>
/// Every plain-JSON corpus file (../shared/realworld-configs) rewritten as YAML and as TOML must read into the same
/// document and bind with the same diagnostics (messages and paths; the positions are the new file's).
/// </summary>
public sealed class RealWorldFormatsTests
{
    private static readonly ConfigLoadOptions Options = new() { Environment = new Dictionary<string, string>(), KeepDocument = true, Lint = true };

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        var index = Path.Combine(RepoPaths.RealWorld, "INDEX.tsv");
        if (!File.Exists(index))
        {
            data.Add("");
            return data;
        }
        foreach (var line in File.ReadLines(index).Skip(1))
        {
            var cols = line.Split('\t');
            if (cols.Length >= 7 && cols[5] == "yes" && cols[6] == "no")
                data.Add(cols[0]);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Yaml_and_toml_rewrites_read_and_bind_like_the_json_file(string file)
    {
        Skip.If(file.Length == 0, "../shared/realworld-configs not present (fresh clone); skipping");
        var bytes = File.ReadAllBytes(Path.Combine(RepoPaths.RealWorld, file));
        var json = ConfigLoader.Parse(bytes, "krakend.json", Options);
        using var doc = JsonDocument.Parse(bytes);

        foreach (var (name, text) in new[] { ("krakend.yaml", ConfigFormatConverter.ToYaml(doc.RootElement)), ("krakend.toml", ConfigFormatConverter.ToToml(doc.RootElement)) })
        {
            var other = ConfigLoader.Parse(Encoding.UTF8.GetBytes(text), name, Options);
            if (HasDuplicateKey(bytes))
            {
                // Go's encoding/json lets a repeated key win; yaml.v3 and TOML refuse it, and so does Cuttle.
                Assert.False(other.Success);
                Assert.Matches("already defined|duplicate key", Assert.Single(other.Diagnostics).Message);
                continue;
            }
            Assert.True(json.Success == other.Success, $"{name}: {string.Join("\n", other.Diagnostics)}\n{text}");
            Assert.Equal(Messages(json), Messages(other));
            if (name.EndsWith(".yaml", StringComparison.Ordinal))
                Assert.True(JsonElement.DeepEquals(json.Document!.Value, other.Document!.Value), text);
            Assert.All(other.Diagnostics, d => Assert.Equal(name, d.Location.File));
            Assert.All(other.Diagnostics.Where(d => d.Location.JsonPath.Length > 0), d => Assert.True(d.Location.Line > 0, d.ToString()));
        }
    }

    private static bool HasDuplicateKey(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        return HasDuplicate(doc.RootElement);
    }

    private static bool HasDuplicate(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().GroupBy(p => p.Name).Any(g => g.Count() > 1) || e.EnumerateObject().Any(p => HasDuplicate(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Any(HasDuplicate),
        _ => false,
    };

    /// <summary>TOML has no null: the rewrite leaves null members out, so only its diagnostics are compared.</summary>
    private static string[] Messages(ConfigLoadResult r)
        => [.. r.Diagnostics.Select(d => $"{d.Severity} {d.Message} (at {d.Location.JsonPath})").Order(StringComparer.Ordinal)];
}
