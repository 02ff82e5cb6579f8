using Cuttle.Config.Diagnostics;

namespace Cuttle.Config.Tests;

/// <summary>Real users' krakend.json files (../shared/realworld-configs, listed in INDEX.tsv).</summary>
public sealed class RealWorldConfigTests
{
    /// <summary>v3 files KrakenD itself refuses, with the reason; they must fail here too.</summary>
    private static readonly Dictionary<string, string> RefusedByKrakend = new(StringComparer.Ordinal)
    {
        ["files/Kavindu-Jayasinghe__krakend-with-grafana-prometheus-and-jaeger-microservices__config_krakend_krakend.json"] =
            "endpoint /api/secure-data has no backend: lura config Init refuses an endpoint with 0 backends",
    };

    private static readonly ConfigLoadOptions Options = new() { Environment = new Dictionary<string, string>() };

    public static TheoryData<string, string, string, string> Entries()
    {
        var data = new TheoryData<string, string, string, string>();
        var index = Path.Combine(RepoPaths.RealWorld, "INDEX.tsv");
        if (!File.Exists(index))
        {
            data.Add("", "", "", "");
            return data;
        }
        foreach (var line in File.ReadLines(index).Skip(1))
        {
            var cols = line.Split('\t');
            if (cols.Length >= 7)
                data.Add(cols[0], cols[4].Trim('"'), cols[5], cols[6]);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Entries))]
    public void RealWorldConfig_LoadsOrIsRefusedLikeKrakend(string file, string version, string validJson, string template)
    {
        Skip.If(file.Length == 0, "../shared/realworld-configs not present (fresh clone); skipping");
        Skip.If(template == "yes" || validJson != "yes", "template or non-JSON file: Flexible Configuration is out of scope");
        var result = ConfigLoader.Load(Path.Combine(RepoPaths.RealWorld, file), Options);
        var errors = string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));

        if (version == "3" && !RefusedByKrakend.ContainsKey(file))
        {
            Assert.True(result.Success, errors);
        }
        else if (version == "3")
        {
            Assert.False(result.Success);
            Assert.Contains("0 backends defined", errors, StringComparison.Ordinal);
        }
        else
        {
            Assert.False(result.Success);
            Assert.Contains($"unsupported version: {version} (want: 3)", errors, StringComparison.Ordinal);
            Assert.Contains("https://www.krakend.io/docs/configuration/migrating/", errors, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void EveryCorpusFile_GivesDiagnosticsNeverAnException()
    {
        var dir = Path.Combine(RepoPaths.RealWorld, "files");
        Skip.IfNot(Directory.Exists(dir), "../shared/realworld-configs not present (fresh clone); skipping");
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            var result = ConfigLoader.Load(file, Options);
            if (!result.Success)
            {
                var error = result.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
                Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
            }
        }
    }
}
