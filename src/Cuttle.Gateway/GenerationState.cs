namespace Cuttle.Gateway;

/// <summary>
/// The state a generation's stateful features keep between requests (rate-limit buckets, per-client stores, circuit
/// breakers), by identity, so that a reload can hand it on. The builder asks for each piece with its identity (which
/// endpoint or backend) and its settings (a record compared with <see cref="object.Equals(object)"/>): when the
/// previous generation held one with the same identity and equal settings, that very object is carried into the new
/// generation, otherwise a fresh one is made. The new state holds only what the new generation asked for, and never
/// the previous state itself, so state nothing refers to any more goes with the generation that last used it.
/// <para>
/// Immutable once built: the dictionary is filled during <see cref="GenerationBuilder.Build"/> and only read after.
/// The objects in it are shared by the old generation (still draining) and the new one, so they are thread-safe on
/// their own.
/// </para>
/// </summary>
public sealed class GenerationState
{
    private readonly Dictionary<string, Entry> _entries;

    private GenerationState(Dictionary<string, Entry> entries) => _entries = entries;

    /// <summary>No state: a generation built without features that keep any.</summary>
    public static readonly GenerationState Empty = new(new Dictionary<string, Entry>());

    /// <summary>How many pieces of state this generation holds.</summary>
    public int Count => _entries.Count;

    /// <summary>The piece of state under <paramref name="kind"/> and <paramref name="identity"/>, or null.</summary>
    internal object? Find(string kind, string identity) => _entries.TryGetValue(Key(kind, identity), out var e) ? e.Value : null;

    private static string Key(string kind, string identity) => kind + " " + identity;

    /// <summary>The pieces of state of one kind, by identity (the console lists the circuit breakers).</summary>
    internal IEnumerable<KeyValuePair<string, object>> Items(string kind)
    {
        var prefix = kind + " ";
        foreach (var (key, entry) in _entries)
            if (key.StartsWith(prefix, StringComparison.Ordinal)) yield return new(key[prefix.Length..], entry.Value);
    }

    private sealed record Entry(object Settings, object Value);

    /// <summary>Collects the state of one generation while it is built, taking over what the previous one had.</summary>
    internal sealed class Builder(GenerationState? previous)
    {
        private readonly Dictionary<string, Entry> _next = new(StringComparer.Ordinal);

        /// <summary>
        /// The state for <paramref name="identity"/>: the previous generation's when its settings equal
        /// <paramref name="settings"/> (and it is a <typeparamref name="T"/>), else <paramref name="create"/>'s.
        /// </summary>
        public T GetOrCreate<T>(string kind, string identity, object settings, Func<T> create) where T : class
        {
            var key = Key(kind, identity);
            if (_next.TryGetValue(key, out var mine) && mine.Value is T own && mine.Settings.Equals(settings))
                return own;
            if (previous is not null && previous._entries.TryGetValue(key, out var old) && old.Value is T carried && old.Settings.Equals(settings))
            {
                _next[key] = old;
                return carried;
            }
            var value = create();
            _next[key] = new Entry(settings, value);
            return value;
        }

        public GenerationState Build() => new(_next);
    }
}
