namespace Cuttle.Config;

/// <summary>How <see cref="ConfigLoader"/> reads a configuration.</summary>
public sealed record ConfigLoadOptions
{
    public static ConfigLoadOptions Default { get; } = new();

    /// <summary>Also warn about unknown fields and other things KrakenD silently ignores (<c>check --lint</c>).</summary>
    public bool Lint { get; init; }

    /// <summary>Source of <c>KRAKEND_*</c> overrides; null means the process environment.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>
    /// Short names of the extra_config namespaces the gateway implements. A namespace KrakenD CE knows but that is
    /// not in this set gets a warning; null disables the check.
    /// </summary>
    public IReadOnlySet<string>? ImplementedNamespaces { get; init; }

    /// <summary>
    /// Also return the whole document as JSON (<see cref="ConfigLoadResult.Document"/>), whatever syntax it was
    /// written in: <c>check --lint-schema</c> validates it and <c>audit</c> reads the fields the model leaves out.
    /// </summary>
    public bool KeepDocument { get; init; }
}
