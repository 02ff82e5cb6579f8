namespace Cuttle.Gateway.Cel.Language;

internal sealed class NotNode(CelNode operand) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Not(operand.Eval(frame));
}
