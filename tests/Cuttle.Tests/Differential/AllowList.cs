namespace Cuttle.Tests.Differential;

/// <summary>
/// The divergences that are understood, each with a one-line reason: deliberate differences of the gateway
/// (<see cref="Verdict.Explained"/>) and defects of the reference client (<see cref="Verdict.ReferenceDefect"/>).
/// A desync is never on this list. Entries are matched by script features and outcomes, never by exchange.
/// </summary>
public static class AllowList
{
    public sealed record Entry(Verdict Kind, string Reason, Func<Finding, bool> Applies);

    public static readonly IReadOnlyList<Entry> Entries =
    [
    ];

    public static Finding? Explain(Finding finding)
    {
        foreach (var entry in Entries)
        {
            if (entry.Applies(finding)) return finding with { Verdict = entry.Kind, Reason = entry.Reason };
        }
        return null;
    }

    private static bool Has(Finding f, string feature) => f.Script.Name.Contains(feature, StringComparison.Ordinal);
}
