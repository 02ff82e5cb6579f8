namespace Cuttle.Gateway.Cel;

internal sealed class VariableNode(CelVariable variable) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Normalize(frame.Activation.Resolve(variable));
}
