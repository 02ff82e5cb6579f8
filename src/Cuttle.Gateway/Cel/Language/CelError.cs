namespace Cuttle.Gateway.Cel.Language;

/// <summary>
/// A runtime error carried as a value (cel-go's types.Err): it propagates through operators and functions, except
/// where the spec lets &amp;&amp;, || and the quantifier macros absorb it. A check that ends in an error rejects, as in
/// krakend-cel's evalChecks.
/// </summary>
internal sealed class CelError(string message)
{
    public string Message { get; } = message;

    public override string ToString() => Message;

    public static CelError NoOverload(string op) => new("no such overload: " + op);
}
