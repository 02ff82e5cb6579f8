using System.Diagnostics;

namespace Cuttle.Gateway.Data;

/// <summary>
/// A W3C traceparent as numbers: trace id, span id and flags, parsed from a client's header and written to a backend's
/// without a string in between. Activity's own ids (<see cref="ActivityTraceId"/>, <see cref="ActivitySpanId"/>) hold
/// hex strings, which every unsampled request would otherwise allocate just to pass its trace id on.
/// </summary>
internal readonly record struct TraceParent(ulong TraceHigh, ulong TraceLow, ulong SpanId, bool Sampled)
{
    /// <summary>The length of a version-00 traceparent: "00-" 32 hex "-" 16 hex "-" 2 hex.</summary>
    public const int Length = 55;

    /// <summary>
    /// Parses a traceparent as the W3C Trace Context spec (and OpenTelemetry's propagator) accepts it: version "ff" and
    /// all-zero ids are invalid, version 00 is exactly 55 characters, a later version may carry more after a '-'; hex is
    /// lower-case.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> value, out TraceParent parent)
    {
        parent = default;
        if (value.Length < Length || value[2] != '-' || value[35] != '-' || value[52] != '-') return false;
        if (!TryHex(value[..2], out var version) || version == 0xff) return false;
        if (version == 0 ? value.Length != Length : value.Length > Length && value[Length] != '-') return false;
        if (!TryHex(value.Slice(3, 16), out var high) || !TryHex(value.Slice(19, 16), out var low) || (high | low) == 0) return false;
        if (!TryHex(value.Slice(36, 16), out var span) || span == 0) return false;
        if (!TryHex(value.Slice(53, 2), out var flags)) return false;
        parent = new TraceParent(high, low, span, (flags & 1) != 0);
        return true;
    }

    private static bool TryHex(ReadOnlySpan<char> hex, out ulong value)
    {
        value = 0;
        foreach (var c in hex)
        {
            int digit;
            if (c is >= '0' and <= '9') digit = c - '0';
            else if (c is >= 'a' and <= 'f') digit = c - 'a' + 10;
            else return false;
            value = (value << 4) | (uint)digit;
        }
        return true;
    }

    /// <summary>A new random trace (W3C: random, never all zero) with a new span id.</summary>
    public static TraceParent NewRoot()
    {
        ulong high, low;
        do
        {
            high = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
            low = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        } while ((high | low) == 0);
        return new TraceParent(high, low, NewSpanId(), Sampled: false);
    }

    /// <summary>A random span id, never zero.</summary>
    public static ulong NewSpanId()
    {
        ulong id;
        do id = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        while (id == 0);
        return id;
    }

    /// <summary>Writes "00-{trace}-{span}-{flags}" into <paramref name="destination"/> (at least <see cref="Length"/> long).</summary>
    public void Format(Span<char> destination)
    {
        destination[0] = '0';
        destination[1] = '0';
        destination[2] = '-';
        Hex(TraceHigh, destination.Slice(3, 16));
        Hex(TraceLow, destination.Slice(19, 16));
        destination[35] = '-';
        Hex(SpanId, destination.Slice(36, 16));
        destination[52] = '-';
        destination[53] = '0';
        destination[54] = Sampled ? '1' : '0';
    }

    private static void Hex(ulong value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = "0123456789abcdef"[(int)(value & 0xf)];
            value >>= 4;
        }
    }

    public override string ToString() => string.Create(Length, this, static (span, parent) => parent.Format(span));

    /// <summary>The trace id as Activity's type (allocates its hex string: for sampled requests only).</summary>
    public ActivityTraceId ActivityTraceId()
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, TraceHigh);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], TraceLow);
        return System.Diagnostics.ActivityTraceId.CreateFromBytes(bytes);
    }

    /// <summary>This context as an Activity parent (allocates the id strings: for sampled requests only).</summary>
    public ActivityContext ToActivityContext(string? traceState, bool isRemote)
    {
        Span<byte> span = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(span, SpanId);
        return new ActivityContext(ActivityTraceId(), ActivitySpanId.CreateFromBytes(span),
            Sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, traceState, isRemote);
    }
}
