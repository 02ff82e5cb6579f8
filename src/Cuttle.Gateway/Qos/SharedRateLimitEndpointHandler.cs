using System.Runtime.CompilerServices;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Qos;

/// <summary>
/// qos/ratelimit/router/redis around an endpoint's handler, at the same place as the local qos/ratelimit/router and
/// inside it when an endpoint has both (the local limit answers first, so a request it refuses costs no Redis call).
/// The client is named as the local limiter names it (<see cref="ClientKey"/>), an unnamed client is a 429 without a
/// take, and the answers are the local limiter's: 429 for the client's bucket, 503 for the endpoint's, no body, and
/// the RateLimit-* headers with <c>cuttle/ratelimit-headers</c>.
/// <para>
/// Hot path: the take completes at once when Redis is being skipped (local fallback) and then nothing here
/// allocates; a take that goes to Redis awaits its answer (bounded by the connection's call timeout) in one async
/// method, whose Task is the only allocation of this handler.
/// </para>
/// </summary>
internal sealed class SharedRateLimitEndpointHandler(IEndpointHandler inner, ISharedRateLimit limit, ClientKey? key, bool headers) : IEndpointHandler
{
    public Task HandleAsync(HttpContext context, string[] parameters)
    {
        string? client = null;
        if (key is not null)
        {
            client = key.Extract(context, parameters);
            if (client.Length == 0) return RateLimitEndpointHandler.Reject(context, StatusCodes.Status429TooManyRequests);
        }
        var take = limit.TryTakeAsync(client);
        if (take.IsCompletedSuccessfully) return Continue(context, parameters, take.Result);
        return AwaitAsync(take, context, parameters);
    }

    private async Task AwaitAsync(ValueTask<SharedTake> take, HttpContext context, string[] parameters)
    {
        var result = await take.ConfigureAwait(false);
        await Continue(context, parameters, result).ConfigureAwait(false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Task Continue(HttpContext context, string[] parameters, SharedTake take)
    {
        var status = take.Verdict switch
        {
            SharedVerdict.Admitted => 0,
            SharedVerdict.ClientExceeded => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status503ServiceUnavailable,
        };
        if (headers)
        {
            if (status != 0) return RateLimitEndpointHandler.Reject(context, status, take.Quota);
            RateLimitEndpointHandler.Describe(context.Response.Headers, take.Quota);
        }
        else if (status != 0)
        {
            return RateLimitEndpointHandler.Reject(context, status);
        }
        return inner.HandleAsync(context, parameters);
    }
}
