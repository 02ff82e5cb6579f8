namespace Cuttle.Gateway.Cel.Language;

internal sealed class Call2Node(Func<object?, object?, object?> function, CelNode first, CelNode second) : CelNode
{
    public override object? Eval(CelFrame frame)
    {
        var a = first.Eval(frame);
        if (a is CelError) return a;
        var b = second.Eval(frame);
        return b is CelError ? b : function(a, b);
    }
}
