using System.Text.RegularExpressions;

namespace Cuttle.Gateway.Cel.Language;

/// <summary><c>s.matches(re)</c> with a constant pattern: compiled once, at generation build time.</summary>
internal sealed class MatchesNode(CelNode target, Regex regex) : CelNode
{
    public override object? Eval(CelFrame frame) => target.Eval(frame) switch
    {
        CelError e => e,
        string s => regex.IsMatch(s),
        var other => CelError.NoOverload($"matches({CelRuntime.TypeName(other)}, string)"),
    };
}
