using System.Text.RegularExpressions;

namespace Cuttle.Config;

/// <summary>
/// How config-supplied regular expressions are compiled, shared by the binder (which validates them) and the gateway
/// (which runs them). KrakenD uses Go's RE2: linear time, no backtracking features; the non-backtracking engine is
/// the closest .NET match and keeps a hostile User-Agent from costing more than its length.
/// </summary>
public static class RegexSettings
{
    public const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;
}
