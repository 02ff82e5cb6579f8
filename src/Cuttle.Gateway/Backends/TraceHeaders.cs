namespace Cuttle.Gateway.Backends;

/// <summary>The W3C trace context one backend request carries (traceparent, tracestate).</summary>
internal readonly record struct TraceHeaders(string TraceParent, string? TraceState)
{
    /// <summary>Whether a forwarded header is one the gateway writes itself when it propagates.</summary>
    public static bool Is(string name) =>
        name.Equals("traceparent", StringComparison.OrdinalIgnoreCase) || name.Equals("tracestate", StringComparison.OrdinalIgnoreCase);
}
