using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Cuttle.Gateway.Data;

/// <summary>
/// One shared string per JSON property name: a backend answers with the same few keys on every request, and
/// <see cref="JsonProperty.Name"/> allocates a new string each time it is read. Bounded, so a backend whose keys are
/// ids or timestamps fills the table once and then simply gets fresh strings.
/// </summary>
internal static class PropertyNames
{
    private const int MaxEntries = 8192;
    private const int MaxNameBytes = 64;

    private static readonly ConcurrentDictionary<string, string> s_names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_byChars =
        s_names.GetAlternateLookup<ReadOnlySpan<char>>();
    private static int s_count;

    public static string Of(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        // Escaped names need JSON unescaping; long names are rare and not worth a table slot.
        if (raw.Length > MaxNameBytes || raw.IndexOf((byte)'\\') >= 0) return property.Name;
        Span<char> chars = stackalloc char[MaxNameBytes];
        if (!Encoding.UTF8.TryGetChars(raw, chars, out var written)) return property.Name;
        var span = chars[..written];
        if (s_byChars.TryGetValue(span, out var name)) return name;
        name = new string(span);
        if (Volatile.Read(ref s_count) < MaxEntries && s_names.TryAdd(name, name)) Interlocked.Increment(ref s_count);
        return name;
    }
}
