namespace Cuttle.Gateway.Cel.Language;

internal sealed class CompareNode(CelTokenKind op, CelNode left, CelNode right) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Compare(left.Eval(frame), right.Eval(frame), op);
}
