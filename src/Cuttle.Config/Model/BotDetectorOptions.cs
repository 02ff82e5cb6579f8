using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."security/bot-detector" (alias github_com/devopsfaith/krakend-botdetector), service or endpoint
/// level. Patterns are RE2-compatible regular expressions, already checked by the binder.
/// </summary>
public sealed record BotDetectorOptions
{
    /// <summary>User-Agents that are never bots (exact, case-sensitive); checked first.</summary>
    public ImmutableArray<string> Allow { get; init; } = [];

    /// <summary>User-Agents that are always bots (exact, case-sensitive).</summary>
    public ImmutableArray<string> Deny { get; init; } = [];

    /// <summary>Unanchored regular expressions; a match marks a bot.</summary>
    public ImmutableArray<string> Patterns { get; init; } = [];

    /// <summary>Size of the LRU cache of verdicts per User-Agent; 0 disables it.</summary>
    public int CacheSize { get; init; }

    public bool EmptyUserAgentIsBot { get; init; }
}
