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
        // Flexible configuration: the settings, templates and partials the template read (ConfigLoader lists them).
        foreach (var file in config.ReferencedFiles) Add(files, file);
        AddLua(files, config.LuaEndpoint);
        foreach (var endpoint in config.Endpoints)
        {
            Add(files, endpoint.JwtValidator?.JwkLocalPath);
            Add(files, endpoint.JwtSigner?.JwkLocalPath);
            AddLua(files, endpoint.LuaEndpoint);
            AddLua(files, endpoint.LuaProxy);
            foreach (var backend in endpoint.Backend) AddLua(files, backend.LuaBackend);
        }
        return [.. files];
    }

    /// <summary>Lua sources are read once per generation (unless live), so a change to one needs a reload.</summary>
    private static void AddLua(SortedSet<string> files, LuaOptions? lua)
    {
        if (lua is null || lua.Live) return;
        foreach (var source in lua.Sources) Add(files, source);
    }

    private static void Add(SortedSet<string> files, string? path)
    {
        if (!string.IsNullOrWhiteSpace(path)) files.Add(Path.GetFullPath(path));
    }
}
