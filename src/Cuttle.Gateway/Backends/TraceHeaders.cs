using System.Diagnostics;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Backends;

/// <summary>The W3C trace context one backend request carries (traceparent as numbers, tracestate as the client sent it).</summary>
internal readonly record struct TraceHeaders(TraceParent Parent, string? TraceState)
{
    /// <summary>Whether a forwarded header is one the gateway writes itself when it propagates.</summary>
    public static bool Is(string name) =>
        name.Equals("traceparent", StringComparison.OrdinalIgnoreCase) || name.Equals("tracestate", StringComparison.OrdinalIgnoreCase);

    /// <summary>The context of a span (its ids are copied out of the Activity's hex strings; nothing is allocated).</summary>
    public static TraceHeaders From(Activity activity)
    {
        Span<byte> bytes = stackalloc byte[16];
        activity.TraceId.CopyTo(bytes);
        var high = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var low = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        activity.SpanId.CopyTo(bytes[..8]);
        var span = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var sampled = (activity.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0;
        return new TraceHeaders(new TraceParent(high, low, span, sampled), activity.TraceStateString);
    }
}
