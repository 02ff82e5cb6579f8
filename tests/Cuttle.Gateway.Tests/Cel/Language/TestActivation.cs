using Cuttle.Gateway.Cel.Language;

namespace Cuttle.Gateway.Tests.Cel.Language;

/// <summary>An activation with explicitly bound variables; everything else is unbound (an error value).</summary>
internal sealed class TestActivation : CelActivation
{
    private readonly Dictionary<CelVariable, object?> _values = [];

    public TestActivation With(CelVariable variable, object? value)
    {
        _values[variable] = value;
        return this;
    }

    public override object? Resolve(CelVariable variable) => _values.TryGetValue(variable, out var v) ? v : Unbound(variable);

    public static object? Eval(string expression, TestActivation? activation = null)
        => CelProgram.Compile(expression).Evaluate(activation ?? new TestActivation());
}
