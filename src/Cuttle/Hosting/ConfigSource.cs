using System.Collections.Frozen;
using Cuttle.Config;

namespace Cuttle.Hosting;

/// <summary>Loads a configuration file with the namespaces this build implements, so unimplemented ones are warned about.</summary>
internal static class ConfigSource
{
    /// <summary>extra_config namespaces the gateway acts on (short names).</summary>
    public static readonly IReadOnlySet<string> ImplementedNamespaces = Gateway.GenerationBuilder.ImplementedNamespaces
        .Concat(Telemetry.Logging.TelemetryLogging.Namespaces) // the host's own: logging is not part of a generation
        .Append("cuttle/console") // the host's own: the live console (LiveConsole/)
        .ToFrozenSet(StringComparer.Ordinal);

    public static ConfigLoadResult Load(string path, bool lint = false, bool keepDocument = false)
        => ConfigLoader.Load(path, new ConfigLoadOptions { Lint = lint, ImplementedNamespaces = ImplementedNamespaces, KeepDocument = keepDocument });
}
