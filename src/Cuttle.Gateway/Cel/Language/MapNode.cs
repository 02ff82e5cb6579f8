namespace Cuttle.Gateway.Cel.Language;

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
