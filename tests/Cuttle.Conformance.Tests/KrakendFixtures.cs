namespace Cuttle.Conformance.Tests;

/// <summary>Locates krakend-ce's integration fixtures in <c>../shared/krakend-ce/tests/fixtures</c> beside the repository.</summary>
internal static class KrakendFixtures
{
    public const string MissingMessage =
        "krakend-ce fixtures not found: expected ../shared/krakend-ce/tests/fixtures beside the repository (a fresh clone has no ../shared)";

    private static readonly Lazy<string?> LazyDirectory = new(Find);

    /// <summary>The fixtures directory, or null when ../shared is absent.</summary>
    public static string? Directory => LazyDirectory.Value;

    public static string SpecsDirectory => Path.Combine(Directory ?? throw new InvalidOperationException(MissingMessage), "specs");

    public static IReadOnlyList<string> SpecNames()
    {
        if (Directory is null)
        {
            return [];
        }

        var names = new List<string>();
        foreach (var file in System.IO.Directory.EnumerateFiles(SpecsDirectory, "*.json"))
        {
            names.Add(Path.GetFileNameWithoutExtension(file));
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cuttle.sln")))
            {
                var fixtures = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "krakend-ce", "tests", "fixtures"));
                return File.Exists(Path.Combine(fixtures, "krakend.json")) ? fixtures : null;
            }
        }

        return null;
    }
}
