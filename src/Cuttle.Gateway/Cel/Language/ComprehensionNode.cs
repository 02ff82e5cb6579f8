namespace Cuttle.Gateway.Cel.Language;

/// <summary>
/// The macros all/exists/exists_one/map/filter over a list (its elements) or a map (its keys). all and exists
/// absorb errors like &amp;&amp; and || do: a deciding element wins over an earlier error.
/// </summary>
internal sealed class ComprehensionNode(ComprehensionKind kind, CelNode range, int slot, CelNode step, CelNode? filter) : CelNode
{
    public override object? Eval(CelFrame frame)
    {
        var r = range.Eval(frame);
        if (r is CelError) return r;
        List<object?>? keys = null;
        int count;
        if (CelRuntime.IsList(r)) count = CelRuntime.ListCount(r!);
        else if (CelRuntime.IsMap(r)) { keys = CelRuntime.MapKeys(r!); count = keys.Count; }
        else return new CelError($"expression of type '{CelRuntime.TypeName(r)}' cannot be range of a comprehension");

        CelError? error = null;
        var matched = 0;
        var results = kind is ComprehensionKind.Map or ComprehensionKind.Filter ? new List<object?>(count) : null;
        for (var i = 0; i < count; i++)
        {
            var item = keys is null ? CelRuntime.ListGet(r!, i) : keys[i];
            frame.Locals[slot] = item;
            switch (kind)
            {
                case ComprehensionKind.All:
                case ComprehensionKind.Exists:
                {
                    var v = step.Eval(frame);
                    var decisive = kind == ComprehensionKind.Exists;
                    if (v is bool b) { if (b == decisive) return decisive; }
                    else error ??= v as CelError ?? CelError.NoOverload("predicate result is not a bool");
                    break;
                }
                case ComprehensionKind.ExistsOne:
                {
                    var v = step.Eval(frame);
                    if (v is CelError e) return e;
                    if (v is not bool b) return CelError.NoOverload("predicate result is not a bool");
                    if (b) matched++;
                    break;
                }
                case ComprehensionKind.Map:
                {
                    if (filter is not null)
                    {
                        var f = filter.Eval(frame);
                        if (f is CelError fe) return fe;
                        if (f is not bool fb) return CelError.NoOverload("filter result is not a bool");
                        if (!fb) break;
                    }
                    var v = step.Eval(frame);
                    if (v is CelError e) return e;
                    results!.Add(v);
                    break;
                }
                case ComprehensionKind.Filter:
                {
                    var v = step.Eval(frame);
                    if (v is CelError e) return e;
                    if (v is not bool b) return CelError.NoOverload("filter result is not a bool");
                    if (b) results!.Add(item);
                    break;
                }
            }
        }
        frame.Locals[slot] = null;
        return kind switch
        {
            ComprehensionKind.All => error is null ? true : error,
            ComprehensionKind.Exists => error is null ? false : error,
            ComprehensionKind.ExistsOne => matched == 1,
            _ => results!.ToArray(),
        };
    }
}
