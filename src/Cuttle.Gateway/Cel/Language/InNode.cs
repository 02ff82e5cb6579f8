namespace Cuttle.Gateway.Cel.Language;

internal sealed class InNode(CelNode element, CelNode container) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.In(element.Eval(frame), container.Eval(frame));
}
