namespace Cuttle.Gateway.Cel.Language;

/// <summary>One evaluation: the activation plus the slots of the comprehension variables a macro binds.</summary>
internal sealed class CelFrame(CelActivation activation, int locals)
{
    public CelActivation Activation { get; } = activation;

    public object?[] Locals { get; } = locals == 0 ? [] : new object?[locals];
}
