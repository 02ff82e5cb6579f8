using System.Collections.Frozen;

namespace Cuttle.Gateway.Routing;

/// <summary>
/// An immutable path trie with gin/httprouter semantics, built once per generation: literal segments first, then
/// one <c>{param}</c> child per node. Lookup allocates only the params array of the matched route.
/// </summary>
internal sealed class RouteTable<T> where T : class
{
    private readonly Node _root;

    private RouteTable(Node root) => _root = root;

    public readonly record struct Match(T? Handler, string[] Params, bool MethodNotAllowed);

    public Match Find(string method, string path)
    {
        var node = _root;
        string[]? values = null;
        var valueCount = 0;
        if (!Walk(_root, path, 1, ref values, ref valueCount, out node)) return default;
        var handler = node!.Get(method);
        if (handler is null) return new Match(null, [], node.HasAny);
        return new Match(handler, values is null ? [] : values.Length == valueCount ? values : values[..valueCount], false);
    }

    /// <summary>The route path that differs only by a trailing slash, if it has a handler for the method (gin tsr).</summary>
    public string? TrailingSlashAlternative(string method, string path)
    {
        if (path.Length <= 1) return null;
        var alt = path.EndsWith('/') ? path[..^1] : path + "/";
        return Find(method, alt).Handler is not null ? alt : null;
    }

    /// <summary>A case-insensitive match of the cleaned path (gin RedirectFixedPath), returned in the route's casing.</summary>
    public string? FixedPath(string method, string path)
    {
        var cleaned = CleanPath(path);
        var segments = cleaned.Split('/', StringSplitOptions.None);
        var result = new List<string>(segments.Length);
        return FindCaseInsensitive(_root, segments, 1, result, method) ? "/" + string.Join('/', result) : null;
    }

    private static bool FindCaseInsensitive(Node node, string[] segments, int i, List<string> acc, string method)
    {
        if (i >= segments.Length) return node.Get(method) is not null;
        var seg = segments[i];
        foreach (var (literal, child) in node.Literals)
        {
            if (!literal.Equals(seg, StringComparison.OrdinalIgnoreCase)) continue;
            acc.Add(literal);
            if (FindCaseInsensitive(child, segments, i + 1, acc, method)) return true;
            acc.RemoveAt(acc.Count - 1);
        }
        if (node.Param is not null && seg.Length > 0)
        {
            acc.Add(seg);
            if (FindCaseInsensitive(node.Param, segments, i + 1, acc, method)) return true;
            acc.RemoveAt(acc.Count - 1);
        }
        return false;
    }

    private static bool Walk(Node node, string path, int start, ref string[]? values, ref int count, out Node? found)
    {
        found = null;
        if (start > path.Length)
        {
            found = node;
            return true;
        }
        var end = path.IndexOf('/', start);
        if (end < 0) end = path.Length;
        var segment = path.AsSpan(start, end - start);
        var next = end + 1;
        if (node.LiteralLookup.TryGetValue(segment, out var literal))
        {
            if (end == path.Length ? Terminal(literal, out found) : Walk(literal, path, next, ref values, ref count, out found)) return true;
        }
        if (node.Param is not null && segment.Length > 0)
        {
            values ??= new string[node.MaxParams];
            var saved = count;
            values[count++] = segment.ToString();
            if (end == path.Length ? Terminal(node.Param, out found) : Walk(node.Param, path, next, ref values, ref count, out found)) return true;
            count = saved;
        }
        return false;
    }

    private static bool Terminal(Node node, out Node? found)
    {
        found = node.HasAny ? node : null;
        return found is not null;
    }

    internal static string CleanPath(string p)
    {
        if (p.Length == 0) return "/";
        var parts = new List<string>();
        var segments = p.Split('/');
        foreach (var s in segments)
        {
            if (s.Length == 0 || s == ".") continue;
            if (s == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(s);
        }
        var cleaned = "/" + string.Join('/', parts);
        // gin's cleanPath keeps a trailing slash, and adds one where the path ended in "." or ".." ("/a/b/.." is "/a/").
        var last = segments[^1];
        if ((p.EndsWith('/') || last is "." or "..") && cleaned.Length > 1) cleaned += "/";
        return cleaned;
    }

    internal sealed class Node
    {
        public Dictionary<string, Node> Literals { get; } = new(StringComparer.Ordinal);
        public FrozenDictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> LiteralLookup { get; private set; }
        public Node? Param { get; set; }
        public int MaxParams { get; set; }
        private readonly Dictionary<string, T> _handlers = new(StringComparer.Ordinal);
        private KeyValuePair<string, T>[] _frozen = [];
        public bool HasAny => _frozen.Length > 0;

        public T? Get(string method)
        {
            foreach (var (m, h) in _frozen) if (string.Equals(m, method, StringComparison.Ordinal)) return h;
            return null;
        }

        public bool TryAdd(string method, T handler) => _handlers.TryAdd(method, handler);

        public void Freeze(int maxParams)
        {
            MaxParams = maxParams;
            _frozen = [.. _handlers];
            LiteralLookup = Literals.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            foreach (var child in Literals.Values) child.Freeze(maxParams);
            Param?.Freeze(maxParams);
        }
    }

    public sealed class Builder
    {
        private readonly Node _root = new();
        private int _maxParams;

        /// <summary>Adds a route; false when the same method and path shape is already taken.</summary>
        public bool Add(string method, string template, T handler)
        {
            var node = _root;
            var count = 0;
            var trimmed = template.Length > 1 ? template[1..] : "";
            if (trimmed.Length > 0 || template == "/")
            {
                var segments = template == "/" ? [""] : trimmed.Split('/');
                foreach (var seg in segments)
                {
                    if (seg.Length > 2 && seg[0] == '{' && seg[^1] == '}')
                    {
                        node = node.Param ??= new Node();
                        count++;
                    }
                    else
                    {
                        if (!node.Literals.TryGetValue(seg, out var child)) node.Literals[seg] = child = new Node();
                        node = child;
                    }
                }
            }
            _maxParams = Math.Max(_maxParams, count);
            return node.TryAdd(method, handler);
        }

        public RouteTable<T> Build()
        {
            _root.Freeze(Math.Max(_maxParams, 1));
            return new RouteTable<T>(_root);
        }
    }
}
