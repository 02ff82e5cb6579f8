using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// KrakenD's flatmap_filter (krakend/flatmap): move, append and del over dot paths where <c>*</c> walks every
/// element of an array. Operations run in order on a mutable copy of the data.
/// </summary>
internal sealed class FlatmapFilter
{
    private readonly (string Type, string[][] Args)[] _ops;

    public FlatmapFilter(ImmutableArray<FlatmapOperation> ops)
    {
        _ops = new (string, string[][])[ops.Length];
        for (var i = 0; i < ops.Length; i++)
        {
            var args = new string[ops[i].Args.Length][];
            for (var j = 0; j < args.Length; j++) args[j] = ops[i].Args[j].Split('.');
            _ops[i] = (ops[i].Type, args);
        }
    }

    public Dictionary<string, object?> Apply(Dictionary<string, object?> data)
    {
        var root = (Dictionary<string, object?>)DataTree.DeepMutable(data)!;
        foreach (var (type, args) in _ops)
        {
            switch (type)
            {
                case "del":
                    foreach (var path in args) Delete(root, path, 0);
                    break;
                case "move" when args.Length == 2:
                    Move(root, args[0], args[1], 0, append: false);
                    break;
                case "append" when args.Length == 2:
                    Move(root, args[0], args[1], 0, append: true);
                    break;
            }
        }
        return root;
    }

    private static void Delete(object? node, string[] path, int i)
    {
        if (i >= path.Length) return;
        if (path[i] == "*")
        {
            if (node is List<object?> list)
            {
                if (i == path.Length - 1) { list.Clear(); return; }
                foreach (var item in list) Delete(item, path, i + 1);
            }
            return;
        }
        if (node is not Dictionary<string, object?> map) return;
        if (i == path.Length - 1) { map.Remove(path[i]); return; }
        if (map.TryGetValue(path[i], out var child)) Delete(child, path, i + 1);
    }

    private static void Move(object? node, string[] src, string[] dst, int i, bool append)
    {
        // Walk the common prefix (wildcards included) together, then move within each matched node.
        if (i < src.Length - 1 && i < dst.Length - 1 && src[i] == dst[i])
        {
            if (src[i] == "*")
            {
                if (node is List<object?> list) foreach (var item in list) Move(item, src, dst, i + 1, append);
                return;
            }
            if (node is Dictionary<string, object?> m && m.TryGetValue(src[i], out var child)) Move(child, src, dst, i + 1, append);
            return;
        }
        if (node is not Dictionary<string, object?> map) return;
        if (!TryTake(map, src, i, out var value)) return;
        Put(map, dst, i, value, append);
    }

    private static bool TryTake(Dictionary<string, object?> map, string[] path, int i, out object? value)
    {
        value = null;
        for (; i < path.Length - 1; i++)
        {
            if (!map.TryGetValue(path[i], out var child) || child is not Dictionary<string, object?> next) return false;
            map = next;
        }
        return map.Remove(path[^1], out value);
    }

    private static void Put(Dictionary<string, object?> map, string[] path, int i, object? value, bool append)
    {
        for (; i < path.Length - 1; i++)
        {
            if (!map.TryGetValue(path[i], out var child) || child is not Dictionary<string, object?> next)
            {
                next = DataTree.NewMap();
                map[path[i]] = next;
            }
            map = next;
        }
        var key = path[^1];
        if (append && map.TryGetValue(key, out var existing) && existing is List<object?> target)
        {
            if (value is List<object?> items) target.AddRange(items);
            else target.Add(value);
            return;
        }
        map[key] = value;
    }
}
