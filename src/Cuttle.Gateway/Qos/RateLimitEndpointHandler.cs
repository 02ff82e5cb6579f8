using System.Globalization;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Qos;

/// <summary>
/// qos/ratelimit/router around an endpoint's handler (krakend-ratelimit's gin middleware, innermost of CE's
/// handler_factory): the client's bucket first (429), then the endpoint's (503), as applyClientRateLimit wraps
/// applyGlobalRateLimit. A rejection is gin's AbortWithError: the status, no body and no KrakenD header. With
/// <c>headers</c> (Cuttle only, off by default) the answer also carries RateLimit-Limit, RateLimit-Remaining and
/// RateLimit-Reset of the bucket that decided (the client's when there is one), and a rejection Retry-After.
/// </summary>
internal sealed class RateLimitEndpointHandler(IEndpointHandler inner, IRateLimiter? endpoint, IClientRateLimiter? clients, ClientKey? key,
    bool headers) : IEndpointHandler
{
    public Task HandleAsync(HttpContext context, string[] parameters)
    {
        if (headers) return HandleWithHeaders(context, parameters);
        if (clients is not null)
        {
            var client = key!.Extract(context, parameters);
            if (client.Length == 0 || !clients.TryTake(client)) return Reject(context, StatusCodes.Status429TooManyRequests);
        }
        if (endpoint is not null && !endpoint.TryTake()) return Reject(context, StatusCodes.Status503ServiceUnavailable);
        return inner.HandleAsync(context, parameters);
    }

    private Task HandleWithHeaders(HttpContext context, string[] parameters)
    {
        RateLimitQuota quota = default;
        var described = false;
        if (clients is not null)
        {
            var client = key!.Extract(context, parameters);
            if (client.Length == 0) return Reject(context, StatusCodes.Status429TooManyRequests);
            described = true;
            if (!clients.TryTake(client, out quota)) return Reject(context, StatusCodes.Status429TooManyRequests, quota);
        }
        if (endpoint is not null)
        {
            if (!endpoint.TryTake(out var shared)) return Reject(context, StatusCodes.Status503ServiceUnavailable, shared);
            if (!described) quota = shared;
        }
        Describe(context.Response.Headers, quota);
        return inner.HandleAsync(context, parameters);
    }

    internal static Task Reject(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    internal static Task Reject(HttpContext context, int status, RateLimitQuota quota)
    {
        var h = context.Response.Headers;
        Describe(h, quota);
        h.RetryAfter = Seconds(quota.Reset, atLeast: 1);
        return Reject(context, status);
    }

    internal static void Describe(IHeaderDictionary h, RateLimitQuota quota)
    {
        h["RateLimit-Limit"] = quota.Limit.ToString(CultureInfo.InvariantCulture);
        h["RateLimit-Remaining"] = quota.Remaining.ToString(CultureInfo.InvariantCulture);
        h["RateLimit-Reset"] = Seconds(quota.Reset, atLeast: 0);
    }

    /// <summary>Whole seconds, rounded up (a client that waits that long finds a token).</summary>
    private static string Seconds(TimeSpan span, long atLeast) =>
        Math.Max(atLeast, (long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
