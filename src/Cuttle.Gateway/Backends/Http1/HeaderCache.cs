using System.Text;
using Cuttle.Go;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>
/// Per-connection memo of the last response's header strings by position: a backend sends the same headers in the
/// same order response after response, so pass-through copies them without allocating new strings each time.
/// </summary>
internal sealed class HeaderCache
{
    private const int Slots = 24;

    private readonly Entry[] _entries = new Entry[Slots];

    public (string Name, string Value) Get(int index, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (index < Slots && _entries[index] is { } e && e.Name.AsSpan().SequenceEqual(name) && e.Value.AsSpan().SequenceEqual(value))
            return (e.NameString, e.ValueString);
        // Go canonicalises response header names (textproto.CanonicalMIMEHeaderKey); KrakenD passes them on like that.
        var nameString = HeaderKey.Canonicalize(Encoding.Latin1.GetString(name));
        var valueString = Encoding.Latin1.GetString(value);
        if (index < Slots) _entries[index] = new Entry(name.ToArray(), value.ToArray(), nameString, valueString);
        return (nameString, valueString);
    }

    private sealed record Entry(byte[] Name, byte[] Value, string NameString, string ValueString);
}
