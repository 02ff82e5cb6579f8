namespace Cuttle.Gateway.Cel.Language;

/// <summary>A node of a compiled expression tree. Evaluation never throws: failures come back as <see cref="CelError"/>.</summary>
internal abstract class CelNode
{
    public abstract object? Eval(CelFrame frame);
}
