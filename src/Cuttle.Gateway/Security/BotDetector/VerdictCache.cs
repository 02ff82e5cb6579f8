namespace Cuttle.Gateway.Security.BotDetector;

/// <summary>
/// A bounded least-recently-used map User-Agent → verdict (hashicorp/golang-lru semantics, which krakend-botdetector
/// uses): a hit refreshes the entry, adding to a full cache evicts the oldest. One lock; the work under it is a
/// dictionary lookup and a few pointer moves, no allocation on a hit.
/// </summary>
internal sealed class VerdictCache
{
    private readonly int _capacity;
    private readonly Dictionary<string, LinkedListNode<(string Key, bool Verdict)>> _map;
    private readonly LinkedList<(string Key, bool Verdict)> _order = new();
    private readonly Lock _lock = new();

    public VerdictCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _map = new Dictionary<string, LinkedListNode<(string, bool)>>(Math.Min(capacity, 4096), StringComparer.Ordinal);
    }

    public int Count
    {
        get { lock (_lock) return _map.Count; }
    }

    public bool TryGet(string key, out bool verdict)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                verdict = node.Value.Verdict;
                return true;
            }
        }
        verdict = false;
        return false;
    }

    public void Add(string key, bool verdict)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                existing.Value = (key, verdict);
                _order.Remove(existing);
                _order.AddFirst(existing);
                return;
            }
            if (_map.Count >= _capacity)
            {
                var oldest = _order.Last!;
                _order.RemoveLast();
                _map.Remove(oldest.Value.Key);
            }
            _map[key] = _order.AddFirst((key, verdict));
        }
    }
}
