using System.Collections.Immutable;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;

namespace Cuttle.Config;

/// <summary>Outcome of loading a configuration: a model when there are no errors, and every diagnostic found.</summary>
public sealed record ConfigLoadResult(GatewayConfig? Config, ImmutableArray<ConfigDiagnostic> Diagnostics)
{
    public bool Success => Config is not null;

    /// <summary>The parsed document as JSON when <see cref="ConfigLoadOptions.KeepDocument"/> asked for it and it parsed.</summary>
    public System.Text.Json.JsonElement? Document { get; init; }
}
