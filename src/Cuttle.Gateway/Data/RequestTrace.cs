namespace Cuttle.Gateway.Data;

/// <summary>
/// The trace context of a request that has no server span: one telemetry/opentelemetry did not sample (the gateway
/// decides before any Activity exists), or one seen while no tracer listens. The layers below read it instead of
/// Activity.Current: an unsampled request starts no span at all, and its backends still receive a traceparent.
/// Allocated only for such requests; a sampled request's context is its server span.
/// </summary>
internal sealed class RequestTrace(TraceParent context, string? traceState, bool remoteParent)
{
    /// <summary>What a backend receives when no span of this request is current: trace id, span id and flags.</summary>
    public TraceParent Context { get; } = context;

    /// <summary>The client's tracestate, passed on unchanged (the writers check it like any header value).</summary>
    public string? TraceState { get; } = traceState;

    /// <summary>Whether <see cref="Context"/>'s span id is the client's span (then spans started under it take it as parent).</summary>
    public bool RemoteParent { get; } = remoteParent;

    /// <summary>The gateway's sampling decision: unsampled requests start no span anywhere.</summary>
    public bool Sampled => Context.Sampled;
}
