using Cuttle.Config.Model;

namespace Cuttle.Hosting;

/// <summary>
/// Files a configuration pulls in besides itself (local JWK sets, ...). `run --watch` watches them too, and a change
/// in one reloads the configuration even though krakend.json itself did not change. Relative paths resolve against
/// the working directory, as KrakenD resolves them.
/// </summary>
internal static class ReferencedFiles
{
    public static IReadOnlyList<string> Collect(GatewayConfig config)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in config.Endpoints)
        {
            Add(files, endpoint.JwtValidator?.JwkLocalPath);
            Add(files, endpoint.JwtSigner?.JwkLocalPath);
        }
        return [.. files];
    }

    private static void Add(SortedSet<string> files, string? path)
    {
        if (!string.IsNullOrWhiteSpace(path)) files.Add(Path.GetFullPath(path));
    }
}
