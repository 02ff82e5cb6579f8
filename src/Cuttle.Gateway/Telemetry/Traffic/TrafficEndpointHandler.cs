using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Telemetry.Traffic;

/// <summary>
/// The console's counters around one endpoint, outermost of its chain, so every answer counts (a bot-detector or
/// rate-limit rejection included). It only forwards: the generation finds it as the route table's handler and records
/// the answer in the host's frame for the request (<see cref="Generation.EndObservation(in DispatchObservation, HttpContext, bool, bool)"/>),
/// so the console costs no async frame per request. A handler that throws counts as a 500, which is what the host answers.
/// </summary>
internal sealed class TrafficEndpointHandler(IEndpointHandler inner, TrafficMeter meter) : IEndpointHandler
{
    /// <summary>The endpoint's chain inside the counters.</summary>
    public IEndpointHandler Inner { get; } = inner;

    public TrafficMeter Meter { get; } = meter;

    public Task HandleAsync(HttpContext context, string[] parameters) => Inner.HandleAsync(context, parameters);

    /// <summary>Records one answer: its status (500 when the handler threw) and its latency.</summary>
    public void Record(HttpContext context, TimeSpan elapsed, bool threw)
        => Meter.RecordStatus(threw ? 500 : context.Response.StatusCode, elapsed.Ticks / TimeSpan.TicksPerMicrosecond);
}
