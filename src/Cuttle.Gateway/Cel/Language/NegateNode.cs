namespace Cuttle.Gateway.Cel.Language;

internal sealed class NegateNode(CelNode operand) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Negate(operand.Eval(frame));
}
