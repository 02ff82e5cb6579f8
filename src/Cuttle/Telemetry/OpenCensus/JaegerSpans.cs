using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;

namespace Cuttle.Telemetry.OpenCensus;

/// <summary>
/// jaeger.thrift's Span, Tag, Log, SpanRef, Process and Batch as contrib.go.opencensus.io/exporter/jaeger fills them
/// from a span: the 128-bit trace id split into its high and low halves (big-endian), the parent span id (0 for a
/// root), the name prefixed "Recv." for a server span and "Sent." for a client one, flags from the trace flags,
/// start and duration in microseconds, the attributes as typed tags followed by status.code, status.message (and
/// error=true when the status is an error), the events as logs (their attributes and a "message" field) and the
/// links as CHILD_OF references.
/// </summary>
internal static class JaegerSpans
{
    private const int TagString = 0, TagDouble = 1, TagBool = 2, TagLong = 3;

    // opencensus's status codes are gRPC's: OK, or UNKNOWN for an error with no finer code.
    private const int StatusOk = 0, StatusUnknown = 2;

    public static void WriteSpan(ThriftWriter w, Activity a)
    {
        Span<byte> id = stackalloc byte[16];
        a.TraceId.CopyTo(id);
        var high = BinaryPrimitives.ReadInt64BigEndian(id);
        var low = BinaryPrimitives.ReadInt64BigEndian(id[8..]);
        w.StructBegin();
        w.FieldI64(1, low);
        w.FieldI64(2, high);
        w.FieldI64(3, SpanId(a.SpanId));
        w.FieldI64(4, a.ParentSpanId == default ? 0 : SpanId(a.ParentSpanId));
        w.FieldString(5, a.Kind switch
        {
            ActivityKind.Server => "Recv." + a.DisplayName,
            ActivityKind.Client => "Sent." + a.DisplayName,
            _ => a.DisplayName,
        });
        var links = 0;
        foreach (var _ in a.Links) links++;
        if (links > 0)
        {
            w.FieldListBegin(6, ThriftWriter.Struct, links);
            foreach (var link in a.Links)
            {
                link.Context.TraceId.CopyTo(id);
                w.StructBegin();
                w.FieldI32(1, 0); // CHILD_OF: the Go exporter leaves refType at its zero value
                w.FieldI64(2, BinaryPrimitives.ReadInt64BigEndian(id[8..]));
                w.FieldI64(3, BinaryPrimitives.ReadInt64BigEndian(id));
                w.FieldI64(4, SpanId(link.Context.SpanId));
                w.StructEnd();
            }
        }
        w.FieldI32(7, (int)a.ActivityTraceFlags);
        w.FieldI64(8, (a.StartTimeUtc - DateTime.UnixEpoch).Ticks / 10);
        w.FieldI64(9, a.Duration.Ticks / 10);

        var error = a.Status == ActivityStatusCode.Error;
        var tags = 2 + (error ? 1 : 0);
        foreach (var t in a.TagObjects) if (t.Value is not null) tags++;
        w.FieldListBegin(10, ThriftWriter.Struct, tags);
        foreach (var t in a.TagObjects) if (t.Value is not null) Tag(w, t.Key, t.Value);
        Tag(w, "status.code", (long)(error ? StatusUnknown : StatusOk));
        Tag(w, "status.message", a.StatusDescription ?? "");
        if (error) Tag(w, "error", true);

        var events = 0;
        foreach (var _ in a.Events) events++;
        if (events > 0)
        {
            w.FieldListBegin(11, ThriftWriter.Struct, events);
            foreach (var e in a.Events)
            {
                w.StructBegin();
                w.FieldI64(1, (e.Timestamp.UtcDateTime - DateTime.UnixEpoch).Ticks / 10);
                var fields = 1;
                foreach (var t in e.Tags) if (t.Value is not null) fields++;
                w.FieldListBegin(2, ThriftWriter.Struct, fields);
                foreach (var t in e.Tags) if (t.Value is not null) Tag(w, t.Key, t.Value);
                Tag(w, "message", e.Name);
                w.StructEnd();
            }
        }
        w.StructEnd();
    }

    /// <summary>The Batch around spans already encoded one by one in the same protocol: Process{serviceName, tags: []}.</summary>
    public static void WriteBatch(ThriftWriter w, string serviceName, ReadOnlySpan<byte> spans, int count)
    {
        w.StructBegin();
        w.FieldStructBegin(1);
        w.FieldString(1, serviceName);
        w.FieldListBegin(2, ThriftWriter.Struct, 0); // the Go exporter sends an empty, not an absent, tag list
        w.StructEnd();
        w.FieldListBegin(2, ThriftWriter.Struct, count);
        w.Raw(spans);
        w.StructEnd();
    }

    private static long SpanId(ActivitySpanId spanId)
    {
        Span<byte> bytes = stackalloc byte[8];
        spanId.CopyTo(bytes);
        return BinaryPrimitives.ReadInt64BigEndian(bytes);
    }

    private static void Tag(ThriftWriter w, string key, object value)
    {
        w.StructBegin();
        w.FieldString(1, key);
        switch (value)
        {
            case string s:
                w.FieldI32(2, TagString);
                w.FieldString(3, s);
                break;
            case bool b:
                w.FieldI32(2, TagBool);
                w.FieldBool(5, b);
                break;
            case double or float:
                w.FieldI32(2, TagDouble);
                w.FieldDouble(4, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case long or int or short or sbyte or byte or ushort or uint:
                w.FieldI32(2, TagLong);
                w.FieldI64(6, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            default:
                // Other values (arrays, ulong, …) have no Jaeger type the Go exporter would send; their text is kept.
                w.FieldI32(2, TagString);
                w.FieldString(3, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                break;
        }
        w.StructEnd();
    }
}
