using System.Collections.Immutable;
using System.Text.Json;

namespace Cuttle.Config.Model;

/// <summary>
/// An extra_config object: namespace → raw JSON value. Keys are normalised to KrakenD's documented short names
/// (the legacy long names are accepted on input), so a module looks itself up under one name only.
/// </summary>
public sealed class ExtraConfig
{
    public static ExtraConfig Empty { get; } = new(ImmutableDictionary<string, JsonElement>.Empty);

    public ExtraConfig(ImmutableDictionary<string, JsonElement> namespaces) => Namespaces = namespaces;

    public ImmutableDictionary<string, JsonElement> Namespaces { get; }

    public bool TryGet(string ns, out JsonElement value) => Namespaces.TryGetValue(ns, out value);

    public bool Contains(string ns) => Namespaces.ContainsKey(ns);
}
