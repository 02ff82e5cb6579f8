namespace Cuttle.Gateway.Cel.Language;

/// <summary>
/// Logical and/or with cel-spec's commutative error handling: false &amp;&amp; error is false, true || error is true,
/// whichever side the error is on; only when neither side decides is the error (or the type mismatch) the result.
/// </summary>
internal sealed class LogicNode(bool isAnd, CelNode left, CelNode right) : CelNode
{
    public override object? Eval(CelFrame frame)
    {
        var a = left.Eval(frame);
        if (a is bool ab && ab != isAnd) return ab;
        var b = right.Eval(frame);
        if (b is bool bb && bb != isAnd) return bb;
        if (a is bool && b is bool) return isAnd;
        if (a is CelError) return a;
        if (b is CelError) return b;
        return CelError.NoOverload($"{(isAnd ? "_&&_" : "_||_")}({CelRuntime.TypeName(a)}, {CelRuntime.TypeName(b)})");
    }
}
