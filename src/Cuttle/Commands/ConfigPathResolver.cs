namespace Cuttle.Commands;

/// <summary>
/// Which configuration file a command uses: <c>-c FILE</c> when given, else <c>./krakend.json</c> when it exists,
/// else <c>$KRAKEND_CONFIG</c>. Returns null when none applies (a usage error for the caller).
/// </summary>
internal static class ConfigPathResolver
{
    public const string DefaultFileName = "krakend.json";
    public const string EnvironmentVariable = "KRAKEND_CONFIG";

    public static string? Resolve(string? explicitPath, string currentDirectory, Func<string, string?> getEnvironment)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
            return explicitPath;
        var local = Path.Combine(currentDirectory, DefaultFileName);
        if (File.Exists(local))
            return DefaultFileName;
        var fromEnv = getEnvironment(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnv) ? null : fromEnv;
    }

    public static string? Resolve(string? explicitPath)
        => Resolve(explicitPath, Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable);
}
