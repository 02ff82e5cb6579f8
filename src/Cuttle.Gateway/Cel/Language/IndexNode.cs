namespace Cuttle.Gateway.Cel.Language;

internal sealed class IndexNode(CelNode operand, CelNode index) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Index(operand.Eval(frame), index.Eval(frame));
}
