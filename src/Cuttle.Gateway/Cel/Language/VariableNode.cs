namespace Cuttle.Gateway.Cel.Language;

internal sealed class VariableNode(CelVariable variable) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Normalize(frame.Activation.Resolve(variable));
}
