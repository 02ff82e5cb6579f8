using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Telemetry.Stats;

/// <summary>
/// krakend-metrics' gin handler wrapper for one endpoint: a "connection" in, the inner handler, then the status
/// counter, the size and time histograms, and a "disconnection". The size is the Content-Length the handler set
/// (every rendered and error body sets it); a no-op endpoint streaming a body without one counts 0, where gin counts
/// the bytes written. A handler that throws counts the disconnection only (gin's Recovery answers it outside).
/// </summary>
internal sealed class StatsEndpointHandler(IEndpointHandler inner, StatsCollector collector, RouterEndpointStats stats) : IEndpointHandler
{
    private readonly TimeProvider _time = collector.Time;

    public Task HandleAsync(HttpContext context, string[] parameters)
    {
        collector.Connected.Inc();
        var start = _time.GetTimestamp();
        Task pending;
        try
        {
            pending = inner.HandleAsync(context, parameters);
        }
        catch
        {
            collector.Disconnected.Inc();
            throw;
        }
        if (pending.IsCompletedSuccessfully)
        {
            End(context, start);
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
            collector.Disconnected.Inc();
            throw;
        }
        End(context, start);
    }

    private void End(HttpContext context, long start)
    {
        var elapsed = _time.GetElapsedTime(start).Ticks * 100;
        var response = context.Response;
        stats.Status(response.StatusCode).Inc();
        stats.Size.Update(response.ContentLength ?? 0);
        stats.Time.Update(elapsed);
        collector.Disconnected.Inc();
    }
}
