using System.Text.RegularExpressions;

namespace Cuttle.Gateway.Cel.Language;

// The tree of a compiled expression: built once by CelParser, walked by CelProgram on every evaluation.

/// <summary>A node of a compiled expression tree. Evaluation never throws: failures come back as <see cref="CelError"/>.</summary>
internal abstract class CelNode
{
    public abstract object? Eval(CelFrame frame);
}

// Leaves: constants, the activation's variables, comprehension variables.

internal sealed class LiteralNode(object? value) : CelNode
{
    public object? Value { get; } = value;

    public override object? Eval(CelFrame frame) => Value;
}

internal sealed class VariableNode(CelVariable variable) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Normalize(frame.Activation.Resolve(variable));
}

internal sealed class LocalNode(int slot) : CelNode
{
    public override object? Eval(CelFrame frame) => frame.Locals[slot];
}

// Selection and indexing.

internal sealed class SelectNode(CelNode operand, string field, bool testOnly) : CelNode
{
    /// <summary>has(a.b): the same selection, asking only whether the field is present.</summary>
    public SelectNode AsPresenceTest() => new(operand, field, testOnly: true);

    public override object? Eval(CelFrame frame) => CelRuntime.Select(operand.Eval(frame), field, testOnly);
}

internal sealed class IndexNode(CelNode operand, CelNode index) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Index(operand.Eval(frame), index.Eval(frame));
}

// Operators.

internal sealed class NegateNode(CelNode operand) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Negate(operand.Eval(frame));
}

internal sealed class NotNode(CelNode operand) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Not(operand.Eval(frame));
}

internal sealed class ArithmeticNode(CelTokenKind op, CelNode left, CelNode right) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Arithmetic(left.Eval(frame), right.Eval(frame), op);
}

internal sealed class CompareNode(CelTokenKind op, CelNode left, CelNode right) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.Compare(left.Eval(frame), right.Eval(frame), op);
}

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

internal sealed class InNode(CelNode element, CelNode container) : CelNode
{
    public override object? Eval(CelFrame frame) => CelRuntime.In(element.Eval(frame), container.Eval(frame));
}

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

// Literal lists and maps.

internal sealed class ListNode(CelNode[] items) : CelNode
{
    public override object? Eval(CelFrame frame)
    {
        var result = new object?[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var v = items[i].Eval(frame);
            if (v is CelError) return v;
            result[i] = v;
        }
        return result;
    }
}

internal sealed class MapNode(CelNode[] keys, CelNode[] values) : CelNode
{
    public override object? Eval(CelFrame frame)
    {
        var map = new CelMap();
        for (var i = 0; i < keys.Length; i++)
        {
            var k = keys[i].Eval(frame);
            if (k is CelError) return k;
            if (k is not (string or long or ulong or bool)) return new CelError($"unsupported key type '{CelRuntime.TypeName(k)}'");
            var v = values[i].Eval(frame);
            if (v is CelError) return v;
            if (!map.TryAdd(k, v)) return new CelError("repeated key: " + CelRuntime.Format(k));
        }
        return map;
    }
}

// Function calls.

/// <summary>A one-argument function (or receiver-style method with no arguments); errors in the argument propagate.</summary>
internal sealed class Call1Node(Func<object?, object?> function, CelNode arg) : CelNode
{
    public override object? Eval(CelFrame frame)
    {
        var a = arg.Eval(frame);
        return a is CelError ? a : function(a);
    }
}

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

/// <summary><c>s.matches(re)</c> with a constant pattern: compiled once, at generation build time.</summary>
internal sealed class MatchesNode(CelNode target, Regex regex) : CelNode
{
    public override object? Eval(CelFrame frame) => target.Eval(frame) switch
    {
        CelError e => e,
        string s => regex.IsMatch(s),
        var other => CelError.NoOverload($"matches({CelRuntime.TypeName(other)}, string)"),
    };
}

// Macros.

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

internal enum ComprehensionKind
{
    All,
    Exists,
    ExistsOne,
    Map,
    Filter,
}
