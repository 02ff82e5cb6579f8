using System.Diagnostics;
using Cuttle.Gateway.Endpoints;

namespace Cuttle.Gateway;

/// <summary>
/// What the layers around routing keep of one request between <see cref="Generation.DispatchAsync"/> and
/// <see cref="Generation.EndObservation(in DispatchObservation, Microsoft.AspNetCore.Http.HttpContext, bool, bool)"/>:
/// telemetry/opentelemetry's global layer and the console's endpoint counters. A value in the caller's own async frame,
/// so neither costs a frame of its own (a pooled one missed the pool under load and cost a box per request); three
/// words, since the caller's frame is allocated per request: the start and the telemetry flag share one. Default when
/// both are off (or telemetry skips the path and the console is off).
/// </summary>
public readonly struct DispatchObservation
{
    // Bit 63: telemetry observes the request; bit 62: any layer does; the rest: the start timestamp (never negative).
    private const long TelemetryBit = long.MinValue;
    private const long ObservedBit = 1L << 62;
    private readonly long _started;

    internal DispatchObservation(long started, Activity? activity, IEndpointHandler? handler, bool telemetry)
    {
        Debug.Assert(started is >= 0 and < ObservedBit);
        _started = started | ObservedBit | (telemetry ? TelemetryBit : 0);
        Activity = activity;
        Handler = handler;
    }

    private DispatchObservation(long packed, Activity? activity, IEndpointHandler? handler)
    {
        _started = packed;
        Activity = activity;
        Handler = handler;
    }

    /// <summary>The request's start, on the generation's clock.</summary>
    internal long Started => _started & (ObservedBit - 1);

    /// <summary>The server span; null when the request is not sampled (no Activity is created for it).</summary>
    internal Activity? Activity { get; }

    /// <summary>The matched endpoint's handler (its http.route, the console's meter), null when nothing matched.</summary>
    internal IEndpointHandler? Handler { get; }

    /// <summary>Whether any layer observes the request.</summary>
    internal bool Observed => _started != 0;

    /// <summary>Whether telemetry/opentelemetry's global layer observes it (it may skip a path the console still counts).</summary>
    internal bool ByTelemetry => _started < 0;

    internal DispatchObservation WithHandler(IEndpointHandler? handler) => new(_started, Activity, handler);
}
