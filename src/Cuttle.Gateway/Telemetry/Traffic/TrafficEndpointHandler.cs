using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Telemetry.Traffic;

/// <summary>
/// The console's counters around one endpoint, outermost of its chain, so every answer counts (a bot-detector or
/// rate-limit rejection included). A handler that throws counts as a 500, which is what the host answers.
/// </summary>
internal sealed class TrafficEndpointHandler(IEndpointHandler inner, TrafficMeter meter, TimeProvider time) : IEndpointHandler
{
    public Task HandleAsync(HttpContext context, string[] parameters)
    {
        var start = time.GetTimestamp();
        Task pending;
        try
        {
            pending = inner.HandleAsync(context, parameters);
        }
        catch
        {
            meter.RecordStatus(500, Micros(start));
            throw;
        }
        if (pending.IsCompletedSuccessfully)
        {
            meter.RecordStatus(context.Response.StatusCode, Micros(start));
            return Task.CompletedTask;
        }
        return AwaitAsync(pending, context, start);
    }

    private async Task AwaitAsync(Task pending, HttpContext context, long start)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch
        {
            meter.RecordStatus(500, Micros(start));
            throw;
        }
        meter.RecordStatus(context.Response.StatusCode, Micros(start));
    }

    private long Micros(long start) => time.GetElapsedTime(start).Ticks / TimeSpan.TicksPerMicrosecond;
}
