using System.Diagnostics;
using Cuttle.Gateway.Endpoints;

namespace Cuttle.Gateway;

/// <summary>
/// What telemetry/opentelemetry's global layer keeps of one request between <see cref="Generation.DispatchAsync"/> and
/// <see cref="Generation.EndObservation"/>: a value in the caller's own async frame, so the layer costs no frame
/// (a pooled one missed the pool under load and cost a box per request). Default when the layer is off or skips the path.
/// </summary>
public readonly struct DispatchObservation
{
    internal DispatchObservation(long started, Activity? activity, IEndpointHandler? handler)
    {
        Started = started;
        Activity = activity;
        Handler = handler;
        Observed = true;
    }

    internal long Started { get; }

    /// <summary>The server span; null when the request is not sampled (no Activity is created for it).</summary>
    internal Activity? Activity { get; }

    /// <summary>The matched endpoint's handler (its http.route), null when nothing matched.</summary>
    internal IEndpointHandler? Handler { get; }

    internal bool Observed { get; }

    internal DispatchObservation WithHandler(IEndpointHandler? handler) => new(Started, Activity, handler);
}
