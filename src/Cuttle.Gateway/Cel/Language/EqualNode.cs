namespace Cuttle.Gateway.Cel.Language;

internal sealed class EqualNode(bool negate, CelNode left, CelNode right) : CelNode
{
    public override object? Eval(CelFrame frame)
    {
        var a = left.Eval(frame);
        if (a is CelError) return a;
        var b = right.Eval(frame);
        if (b is CelError) return b;
        return CelRuntime.Equal(a, b) != negate;
    }
}
