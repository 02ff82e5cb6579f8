namespace Cuttle.Gateway.Cel.Language;

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
