namespace Cuttle.Gateway.Cel.Language;

internal sealed class LiteralNode(object? value) : CelNode
{
    public object? Value { get; } = value;

    public override object? Eval(CelFrame frame) => Value;
}
