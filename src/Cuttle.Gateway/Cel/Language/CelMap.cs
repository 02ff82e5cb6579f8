namespace Cuttle.Gateway.Cel.Language;

/// <summary>A map built by a literal <c>{k: v}</c>. Keys are int, uint, bool or string; numeric keys compare by value.</summary>
internal sealed class CelMap
{
    private readonly List<object?> _keys = [];
    private readonly List<object?> _values = [];

    public int Count => _keys.Count;

    public IReadOnlyList<object?> Keys => _keys;

    /// <summary>Adds an entry; false when the key is already present (a duplicate key is an error in CEL).</summary>
    public bool TryAdd(object? key, object? value)
    {
        if (TryGet(key, out _)) return false;
        _keys.Add(key);
        _values.Add(value);
        return true;
    }

    public bool TryGet(object? key, out object? value)
    {
        for (var i = 0; i < _keys.Count; i++)
        {
            if (CelRuntime.Equal(_keys[i], key))
            {
                value = _values[i];
                return true;
            }
        }
        value = null;
        return false;
    }
}
