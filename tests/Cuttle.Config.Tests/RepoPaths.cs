namespace Cuttle.Config.Tests;

/// <summary>Locates the repository (the folder holding Cuttle.sln) and the shared material beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared next to the repository; absent in a fresh clone.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string KrakendFixture => Path.Combine(Shared, "krakend-ce", "tests", "fixtures", "krakend.json");

    public static string RealWorld => Path.Combine(Shared, "realworld-configs");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cuttle.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cuttle.sln not found above the test output directory");
    }
}
