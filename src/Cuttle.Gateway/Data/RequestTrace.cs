namespace Cuttle.Gateway.Data;

/// <summary>
/// The trace context of a request that has no server span: one telemetry/opentelemetry did not sample (the gateway
/// decides before any Activity exists), or one seen while no tracer listens. The layers below read it instead of
/// Activity.Current: an unsampled request starts no span at all, and its backends still receive a traceparent.
/// Allocated only for such requests (nine in ten at rate 0.1), so its fields are packed: the ids and one flags byte
/// rather than a <see cref="TraceParent"/> and a bool, which padding made 8 bytes larger (56 instead of 64).
/// </summary>
internal sealed class RequestTrace
{
    private const byte SampledFlag = 1;
    private const byte RemoteParentFlag = 2;

    private readonly ulong _traceHigh;
    private readonly ulong _traceLow;
    private readonly ulong _spanId;
    private readonly byte _flags;

    public RequestTrace(TraceParent context, string? traceState, bool remoteParent)
    {
        _traceHigh = context.TraceHigh;
        _traceLow = context.TraceLow;
        _spanId = context.SpanId;
        _flags = (byte)((context.Sampled ? SampledFlag : 0) | (remoteParent ? RemoteParentFlag : 0));
        TraceState = traceState;
    }

    /// <summary>What a backend receives when no span of this request is current: trace id, span id and flags.</summary>
    public TraceParent Context => new(_traceHigh, _traceLow, _spanId, Sampled);

    /// <summary>The client's tracestate, passed on unchanged (the writers check it like any header value).</summary>
    public string? TraceState { get; }

    /// <summary>Whether <see cref="Context"/>'s span id is the client's span (then spans started under it take it as parent).</summary>
    public bool RemoteParent => (_flags & RemoteParentFlag) != 0;

    /// <summary>The gateway's sampling decision: unsampled requests start no span anywhere.</summary>
    public bool Sampled => (_flags & SampledFlag) != 0;
}
