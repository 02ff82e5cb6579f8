using System.Collections.Frozen;
using Cuttle.Config;

namespace Cuttle.Hosting;

/// <summary>Loads a configuration file with the namespaces this build implements, so unimplemented ones are warned about.</summary>
internal static class ConfigSource
{
    /// <summary>extra_config namespaces the gateway acts on (short names).</summary>
    public static readonly IReadOnlySet<string> ImplementedNamespaces = new[] { "router", "proxy", "backend/http", "security/cors", "security/bot-detector", "validation/json-schema", "validation/cel", "auth/validator", "auth/signer", "modifier/lua-endpoint", "modifier/lua-proxy", "modifier/lua-backend" }.ToFrozenSet(StringComparer.Ordinal);

    public static ConfigLoadResult Load(string path, bool lint = false)
        => ConfigLoader.Load(path, new ConfigLoadOptions { Lint = lint, ImplementedNamespaces = ImplementedNamespaces });
}
