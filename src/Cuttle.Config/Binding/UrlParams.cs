using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Cuttle.Config.Binding;

/// <summary>Placeholder patterns and path cleaning from lura config/uri.go and config/config.go.</summary>
internal static partial class UrlParams
{
    /// <summary>endpointURLKeysPattern: only a placeholder right after a '/' counts (REST style).</summary>
    [GeneratedRegex(@"/\{([a-zA-Z\-_0-9]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex EndpointKeys();

    /// <summary>simpleURLKeysPattern (Go's \w is ASCII-only, hence the explicit class).</summary>
    [GeneratedRegex(@"\{([a-zA-Z0-9_\-\.:/]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleKeys();

    /// <summary>sequentialParamsPattern: {resp0_field} and {JWT.claim} need no endpoint parameter.</summary>
    [GeneratedRegex(@"^(resp[0-9]+_.+)?(JWT\.([a-zA-Z0-9_\-\.:/]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex SequentialParam();

    /// <summary>invalidPattern: reserved built-in paths, and '*' anywhere but at the end.</summary>
    [GeneratedRegex(@"^[^/]|\*.|/__(debug|echo|health)(/.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex InvalidEndpoint();

    /// <summary>CleanPath: <c>"/" + strings.TrimPrefix(path, "/")</c>.</summary>
    public static string CleanPath(string path) => "/" + (path.StartsWith('/') ? path[1..] : path);

    public static bool IsInvalidEndpoint(string cleanedPath) => InvalidEndpoint().IsMatch(cleanedPath);

    public static bool IsSequentialParam(string name) => SequentialParam().IsMatch(name);

    public static ImmutableArray<string> EndpointParams(string path, bool disableRest)
        => Extract(disableRest ? SimpleKeys() : EndpointKeys(), path);

    public static ImmutableArray<string> BackendParams(string urlPattern) => Extract(SimpleKeys(), urlPattern);

    private static ImmutableArray<string> Extract(Regex pattern, string path)
    {
        var builder = ImmutableArray.CreateBuilder<string>();
        foreach (Match m in pattern.Matches(path))
            builder.Add(m.Groups[1].Value);
        return builder.ToImmutable();
    }
}
