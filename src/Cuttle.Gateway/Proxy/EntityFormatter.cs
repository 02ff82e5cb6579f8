using System.Collections.Frozen;
using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// lura's entityFormatter, compiled once per backend: target → allow | deny → mapping → group, in that order
/// (lura proxy/formatter.go). allow takes precedence over deny. When the backend has a flatmap_filter, the flatmap
/// operations replace allow/deny/mapping.
/// </summary>
internal sealed class EntityFormatter
{
    private readonly string[]? _target;
    private readonly AllowNode? _allow;
    private readonly string[][]? _deny;
    private readonly KeyValuePair<string, string>[] _mapping;
    private readonly string? _group;
    private readonly FlatmapFilter? _flatmap;
    // Cached: a method group converted per call would allocate a delegate per request.
    private readonly Func<JsonElement, Dictionary<string, object?>>? _formatObject;

    private EntityFormatter(BackendConfig backend)
    {
        _target = string.IsNullOrEmpty(backend.Target) ? null : backend.Target.Split('.');
        _group = string.IsNullOrEmpty(backend.Group) ? null : backend.Group;
        if (!backend.Proxy.FlatmapFilter.IsDefaultOrEmpty)
        {
            _flatmap = new FlatmapFilter(backend.Proxy.FlatmapFilter);
            _mapping = [];
            return;
        }
        if (!backend.Allow.IsDefaultOrEmpty) _allow = AllowNode.Build(backend.Allow);
        else if (!backend.Deny.IsDefaultOrEmpty)
        {
            _deny = new string[backend.Deny.Length][];
            for (var i = 0; i < _deny.Length; i++) _deny[i] = backend.Deny[i].Split('.');
        }
        var mapping = new KeyValuePair<string, string>[backend.Mapping.IsDefault ? 0 : backend.Mapping.Length];
        for (var i = 0; i < mapping.Length; i++)
        {
            // lura keeps only the first segment of a dotted new name.
            var (from, to) = (backend.Mapping[i].Key, backend.Mapping[i].Value);
            var dot = to.IndexOf('.');
            mapping[i] = new(from, dot >= 0 ? to[..dot] : to);
        }
        _mapping = mapping;
        if (FormatsObjects) _formatObject = FormatObject;
    }

    /// <summary>Null when the backend needs no formatting at all, so the hot path skips the call.</summary>
    public static EntityFormatter? Create(BackendConfig backend)
    {
        var f = new EntityFormatter(backend);
        return f._target is null && f._allow is null && f._deny is null && f._mapping.Length == 0 && f._group is null && f._flatmap is null ? null : f;
    }

    /// <summary>
    /// Whether <see cref="FormatObject"/> applies: an allow-list with neither target nor flatmap can prune straight
    /// from the parsed document, without first copying the whole top level into a map (the copy, its keys and its
    /// boxed values were most of the filter step's allocations).
    /// </summary>
    public bool FormatsObjects => _allow is not null && _target is null && _flatmap is null;

    /// <summary>
    /// Decodes a backend body and applies the formatter (none when null): the one place that pairs the two, so an
    /// allow-list always prunes a JSON object straight from the parsed document.
    /// </summary>
    public static Dictionary<string, object?>? DecodeAndFormat(EntityFormatter? formatter, BackendDecoder decoder,
        ReadOnlyMemory<byte> body, RequestScope scope, out string? error)
    {
        var data = decoder.Decode(body, scope, formatter?._formatObject, out error, out var formatted);
        return data is null || formatter is null || formatted ? data : formatter.Format(data);
    }

    /// <summary>Formats a JSON object root: the same result as decoding it to a map and calling <see cref="Format"/>.</summary>
    public Dictionary<string, object?> FormatObject(JsonElement root)
    {
        var data = _allow!.Prune(root);
        return Finish(MapKeys(data));
    }

    public Dictionary<string, object?> Format(Dictionary<string, object?> data)
    {
        if (_target is not null) data = ExtractTarget(data, _target);
        if (_flatmap is not null)
        {
            data = _flatmap.Apply(data);
        }
        else
        {
            if (data.Count > 0)
            {
                if (_allow is not null) data = _allow.Prune(data);
                else if (_deny is not null) foreach (var path in _deny) Deny(data, path, 0);
            }
            data = MapKeys(data);
        }
        return Finish(data);
    }

    private Dictionary<string, object?> MapKeys(Dictionary<string, object?> data)
    {
        if (data.Count > 0)
        {
            foreach (var (from, to) in _mapping)
            {
                if (data.Remove(from, out var v)) data[to] = v;
            }
        }
        return data;
    }

    private Dictionary<string, object?> Finish(Dictionary<string, object?> data)
    {
        if (_group is null) return data;
        var wrapped = DataTree.NewMap(1);
        wrapped[_group] = data;
        return wrapped;
    }

    private static Dictionary<string, object?> ExtractTarget(Dictionary<string, object?> data, string[] path)
    {
        object? current = data;
        foreach (var segment in path)
        {
            var map = DataTree.AsMap(current);
            if (map is null || !map.TryGetValue(segment, out current)) return DataTree.NewMap();
        }
        // A target that is not an object yields an empty object, as lura's extractTarget.
        return DataTree.AsMap(current) ?? DataTree.NewMap();
    }

    private static void Deny(Dictionary<string, object?> data, string[] path, int index)
    {
        if (index == path.Length - 1)
        {
            data.Remove(path[index]);
            return;
        }
        if (!data.TryGetValue(path[index], out var child)) return;
        var map = DataTree.AsMap(child);
        if (map is null) return;
        Deny(map, path, index + 1);
        data[path[index]] = map;
    }

    /// <summary>The allow-list as a tree of path segments (lura's buildDictPath); a leaf keeps the whole branch.</summary>
    private sealed class AllowNode
    {
        private FrozenDictionary<string, AllowNode?> _children = FrozenDictionary<string, AllowNode?>.Empty;

        public static AllowNode Build(IEnumerable<string> paths)
        {
            var root = new Builder();
            foreach (var path in paths)
            {
                var node = root;
                var segments = path.Split('.');
                for (var i = 0; i < segments.Length; i++)
                {
                    var last = i == segments.Length - 1;
                    if (last)
                    {
                        node.Children[segments[i]] = null; // leaf wins over a deeper path
                    }
                    else
                    {
                        if (!node.Children.TryGetValue(segments[i], out var next))
                        {
                            next = new Builder();
                            node.Children[segments[i]] = next;
                        }
                        else if (next is null)
                        {
                            break; // a shorter path already keeps the whole branch
                        }
                        node = next;
                    }
                }
            }
            return root.Freeze();
        }

        /// <summary>Returns the pruned map (a new one: the input may be shared with another backend's view).</summary>
        public Dictionary<string, object?> Prune(Dictionary<string, object?> data)
        {
            var result = DataTree.NewMap(Math.Min(data.Count, _children.Count));
            foreach (var (key, sub) in _children)
            {
                if (data.TryGetValue(key, out var value)) Keep(result, key, sub, value);
            }
            return result;
        }

        /// <summary>The same over a document object: looks up only the allowed names (the last duplicate wins, as in Go).</summary>
        public Dictionary<string, object?> Prune(JsonElement data)
        {
            var result = DataTree.NewMap(Math.Min(data.GetPropertyCount(), _children.Count));
            foreach (var (key, sub) in _children)
            {
                if (!data.TryGetProperty(key, out var value)) continue;
                if (sub is null) result[key] = value; // a kept leaf is boxed once, into the map
                else if (value.ValueKind == JsonValueKind.Object && sub.Prune(value) is { Count: > 0 } pruned) result[key] = pruned;
            }
            return result;
        }

        private static void Keep(Dictionary<string, object?> result, string key, AllowNode? sub, object? value)
        {
            if (sub is null)
            {
                result[key] = value;
                return;
            }
            var pruned = value switch
            {
                Dictionary<string, object?> map => sub.Prune(map),
                JsonElement { ValueKind: JsonValueKind.Object } element => sub.Prune(element),
                _ => null, // lura drops a non-object where the list goes deeper
            };
            if (pruned is { Count: > 0 }) result[key] = pruned;
        }

        private sealed class Builder
        {
            public Dictionary<string, Builder?> Children { get; } = new(StringComparer.Ordinal);

            public AllowNode Freeze()
            {
                var d = new Dictionary<string, AllowNode?>(StringComparer.Ordinal);
                foreach (var (k, v) in Children) d[k] = v?.Freeze();
                return new AllowNode { _children = d.ToFrozenDictionary(StringComparer.Ordinal) };
            }
        }
    }
}
