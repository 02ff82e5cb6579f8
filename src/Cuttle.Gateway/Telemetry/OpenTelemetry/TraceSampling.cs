using System.Diagnostics;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>
/// krakend-otel's sampler (state.go), in one place for the gateway's own decision and the SDK's: a rate strictly
/// between 0 and 1 is ParentBased(TraceIDRatioBased(rate)), anything else AlwaysSample. ParentBased follows a valid
/// parent's sampled flag (remote or local) and applies the ratio to roots only; Go's TraceIDRatioBased samples when
/// the trace id's last 8 bytes (big-endian) shifted right by one are below rate × 2^63. The gateway decides with it
/// before any Activity exists; the SDK sampler, asked again when a sampled request's spans start, gives the same
/// answer for the same trace id.
/// </summary>
public static class TraceSampling
{
    /// <summary>The decision for a request whose parent (if <paramref name="hasParent"/>) and trace id are known.</summary>
    public static bool ShouldSample(double rate, bool hasParent, bool parentSampled, ulong traceIdLow)
    {
        if (!(rate is > 0.0 and < 1.0)) return true;
        if (hasParent) return parentSampled;
        return (traceIdLow >> 1) < (ulong)(rate * (1UL << 63));
    }

    /// <summary>The same decision for the SDK's sampling parameters (no allocation: the ids are copied out of their hex).</summary>
    public static bool ShouldSample(double rate, in ActivityContext parent, ActivityTraceId traceId)
    {
        if (!(rate is > 0.0 and < 1.0)) return true;
        if (parent.TraceId != default) return (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0;
        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        return ShouldSample(rate, false, false, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    [ThreadStatic]
    private static TraceParent? t_nextRoot;

    /// <summary>
    /// Starts a span of a root trace whose id the gateway already chose (and sampled): Activity takes a root's trace id
    /// from <see cref="Activity.TraceIdGenerator"/>, which returns the chosen one to this thread during this call only.
    /// </summary>
    internal static Activity? StartRoot(string name, ActivityKind kind, TraceParent root)
    {
        t_nextRoot = root;
        try
        {
            return KrakendInstruments.Source.StartActivity(name, kind);
        }
        finally
        {
            t_nextRoot = null;
        }
    }

    /// <summary>Installed once per process (the generator is process-wide); any generator set before is kept for other roots.</summary>
    internal static void InstallGenerator()
    {
        if (Interlocked.Exchange(ref s_installed, 1) != 0) return;
        var previous = Activity.TraceIdGenerator;
        Activity.TraceIdGenerator = () => t_nextRoot is { } root ? root.ActivityTraceId() : previous?.Invoke() ?? ActivityTraceId.CreateRandom();
    }

    private static int s_installed;

    /// <summary>
    /// A span of a layer below the global one: under the current span; for a request without a server span, not at
    /// all when it is unsampled, else under the client's context or as the root of the trace the gateway chose.
    /// </summary>
    internal static Activity? StartSpan(string name, ActivityKind kind, RequestTrace? trace)
    {
        if (trace is not null)
        {
            if (!trace.Sampled) return null;
            if (Activity.Current is null)
            {
                return trace.RemoteParent
                    ? KrakendInstruments.Source.StartActivity(name, kind, trace.Context.ToActivityContext(trace.TraceState, isRemote: true))
                    : StartRoot(name, kind, trace.Context);
            }
        }
        return KrakendInstruments.Source.StartActivity(name, kind);
    }
}
