namespace Cuttle.Gateway.Cel.Language;

/// <summary>A one-argument function (or receiver-style method with no arguments); errors in the argument propagate.</summary>
internal sealed class Call1Node(Func<object?, object?> function, CelNode arg) : CelNode
{
    public override object? Eval(CelFrame frame)
    {
        var a = arg.Eval(frame);
        return a is CelError ? a : function(a);
    }
}
