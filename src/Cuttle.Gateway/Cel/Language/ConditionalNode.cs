namespace Cuttle.Gateway.Cel.Language;

internal sealed class ConditionalNode(CelNode condition, CelNode whenTrue, CelNode whenFalse) : CelNode
{
    public override object? Eval(CelFrame frame) => condition.Eval(frame) switch
    {
        true => whenTrue.Eval(frame),
        false => whenFalse.Eval(frame),
        CelError e => e,
        var other => CelError.NoOverload($"_?_:_({CelRuntime.TypeName(other)})"),
    };
}
