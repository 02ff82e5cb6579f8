namespace Cuttle.Gateway.Cel.Language;

internal sealed class ArithmeticNode(CelTokenKind op, CelNode left, CelNode right) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Arithmetic(left.Eval(frame), right.Eval(frame), op);
}
