namespace Cuttle.Gateway.Cel.Language;

internal sealed class LocalNode(int slot) : CelNode
{
    public override object? Eval(CelFrame frame) => frame.Locals[slot];
}
