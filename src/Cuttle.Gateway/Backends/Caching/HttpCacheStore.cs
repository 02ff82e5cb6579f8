using Cuttle.Config.Model;

namespace Cuttle.Gateway.Backends.Caching;

/// <summary>
/// The state of qos/http-cache: stored responses by key, least recently used first out, bounded by a number of
/// entries and a number of bytes (<see cref="HttpCacheEntry.Size"/>), both enforced after every insert. An entry as
/// large as the whole store is not stored at all (krakend/lru does the same).
/// <para>
/// One lock around a dictionary and a list: every operation is a few pointer moves with no await and no allocation
/// but the list node of an insert, so contention costs less than the backend call a hit saves. Entries are immutable,
/// so a reader holds one safely after the lock is released; two concurrent misses for one key both call the backend
/// and the later insert replaces the earlier one.
/// </para>
/// <para>
/// Made per slot (<see cref="HttpCacheStores"/>) and carried over a reload while its slot and bounds stay; this is the one
/// type to hand from a generation to the next when per-feature state is carried across reloads.
/// </para>
/// </summary>
internal sealed class HttpCacheStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<HttpCacheEntry>> _items = new(StringComparer.Ordinal);
    private readonly LinkedList<HttpCacheEntry> _lru = new(); // most recently used first
    private long _size;

    public HttpCacheStore(long maxItems, long maxSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSize);
        MaxItems = maxItems;
        MaxSize = maxSize;
    }

    public long MaxItems { get; }

    public long MaxSize { get; }

    public int Count
    {
        get
        {
            lock (_lock) return _items.Count;
        }
    }

    /// <summary>Bytes held, as <see cref="HttpCacheEntry.Size"/> counts them.</summary>
    public long Size
    {
        get
        {
            lock (_lock) return _size;
        }
    }

    public HttpCacheEntry? Get(string key)
    {
        lock (_lock)
        {
            if (!_items.TryGetValue(key, out var node)) return null;
            if (node != _lru.First)
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
            }
            return node.Value;
        }
    }

    public void Set(HttpCacheEntry entry)
    {
        var size = entry.Size;
        lock (_lock)
        {
            if (_items.Remove(entry.Key, out var old))
            {
                _lru.Remove(old);
                _size -= old.Value.Size;
            }
            if (size >= MaxSize) return;
            _items.Add(entry.Key, _lru.AddFirst(entry));
            _size += size;
            while (_items.Count > MaxItems || _size > MaxSize)
            {
                var last = _lru.Last!;
                _lru.RemoveLast();
                _items.Remove(last.Value.Key);
                _size -= last.Value.Size;
            }
        }
    }

    public void Remove(string key)
    {
        lock (_lock)
        {
            if (!_items.Remove(key, out var node)) return;
            _lru.Remove(node);
            _size -= node.Value.Size;
        }
    }
}

/// <summary>
/// Which store each qos/http-cache backend of one build uses, and with which bounds. A backend without shared has a
/// store of its own; the backends with shared use one store between them, as krakend-httpcache's package-level
/// caches do: one bounded by the first shared backend that sets both max_size and max_items, one for the shared
/// backends that do not (bounded by the first of them).
/// <para>
/// Bounds: KrakenD bounds a store only when both max_size and max_items are set, and otherwise keeps every response
/// in a map that never evicts. Cuttle enforces whichever bound is set and takes <see cref="DefaultMaxItems"/> and
/// <see cref="DefaultMaxSize"/> for one that is not, so memory cannot grow without limit.
/// </para>
/// The stores themselves are not made here: the builder asks the generation's state for the store of each slot, so a
/// store whose slot and bounds did not change is carried over a reload with its responses. Used while a generation
/// is built (single-threaded).
/// </summary>
internal sealed class HttpCacheStores
{
    public const long DefaultMaxItems = 10_000;
    public const long DefaultMaxSize = 32L * 1024 * 1024;

    private Bounds? _sharedBounded;
    private Bounds? _sharedDefault;

    /// <summary>
    /// The slot (the state identity of the store) and bounds for a backend: its own slot when not shared,
    /// otherwise one of the two shared slots, with the bounds of the first backend that asked for it.
    /// </summary>
    public (string Slot, Bounds Bounds) For(HttpCacheOptions options, string backendIdentity)
    {
        var bounds = new Bounds(options.MaxItems > 0 ? options.MaxItems : DefaultMaxItems, options.MaxSize > 0 ? options.MaxSize : DefaultMaxSize);
        if (!options.Shared) return (backendIdentity, bounds);
        if (options.MaxItems > 0 && options.MaxSize > 0) return ("shared, bounded", _sharedBounded ??= bounds);
        return ("shared", _sharedDefault ??= bounds);
    }

    /// <summary>A store's limits; compared by value when the next generation decides whether to keep the store.</summary>
    internal readonly record struct Bounds(long MaxItems, long MaxSize);
}
