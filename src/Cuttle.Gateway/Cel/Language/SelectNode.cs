namespace Cuttle.Gateway.Cel.Language;

internal sealed class SelectNode(CelNode operand, string field, bool testOnly) : CelNode
{
    /// <summary>has(a.b): the same selection, asking only whether the field is present.</summary>
    public SelectNode AsPresenceTest() => new(operand, field, testOnly: true);

    public override object? Eval(CelFrame frame) => CelRuntime.Select(operand.Eval(frame), field, testOnly);
}
