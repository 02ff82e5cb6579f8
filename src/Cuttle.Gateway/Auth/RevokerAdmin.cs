using System.Text.Json;
using Cuttle.Gateway.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// Cuttle's HTTP stand-in for the bloomfilter's Go net/rpc server (BloomfilterRPC.Add and Check), which a .NET
/// gateway cannot speak: POST /add with {"elems": ["jti-abc", …]} adds each element to the live generation's
/// revocation list and answers {"count": n}; POST /check with the same body answers {"results": [true|false, …]}.
/// An element is "claim-value", as the validators look it up. It listens only where cuttle_admin_address says.
/// </summary>
public static partial class RevokerAdmin
{
    public static async Task HandleAsync(HttpContext context, RevocationList? list, ILogger logger)
    {
        var path = context.Request.Path.Value;
        var response = context.Response;
        if (path is not ("/add" or "/check"))
        {
            await Text(response, 404, "404 page not found").ConfigureAwait(false);
            return;
        }
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await Text(response, 405, "405 method not allowed").ConfigureAwait(false);
            return;
        }
        if (list is null)
        {
            await Text(response, 503, "auth/revoker is not configured").ConfigureAwait(false);
            return;
        }
        List<string> elems;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("elems", out var items) || items.ValueKind != JsonValueKind.Array)
                throw new JsonException("the body must be {\"elems\": [\"claim-value\", ...]}");
            elems = new List<string>(items.GetArrayLength());
            foreach (var item in items.EnumerateArray())
                elems.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new JsonException("each element must be a string"));
        }
        catch (JsonException ex)
        {
            await Text(response, 400, ex.Message).ConfigureAwait(false);
            return;
        }
        response.ContentType = "application/json";
        if (path == "/add")
        {
            foreach (var e in elems) list.Add(e);
            Log.Added(logger, elems.Count);
            await response.WriteAsync("{\"count\":" + elems.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}").ConfigureAwait(false);
            return;
        }
        var sb = new System.Text.StringBuilder("{\"results\":[");
        for (var i = 0; i < elems.Count; i++) sb.Append(i > 0 ? "," : "").Append(list.Check(elems[i]) ? "true" : "false");
        await response.WriteAsync(sb.Append("]}").ToString()).ConfigureAwait(false);
    }

    private static Task Text(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(text);
    }

    public static void Listening(ILogger logger, string address) => Log.Listening(logger, address);

    public static void BindFailed(ILogger logger, string address, string error) => Log.BindFailed(logger, address, error);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RevokerListening, Level = LogLevel.Information, Message = "[SERVICE: Bloomfilter] revocation endpoint listening on {Address}")]
        public static partial void Listening(ILogger logger, string address);

        [LoggerMessage(EventId = EventIds.RevokerBindFailed, Level = LogLevel.Error, Message = "[SERVICE: Bloomfilter] cannot listen on {Address} for revocations: {Error}; the gateway keeps serving")]
        public static partial void BindFailed(ILogger logger, string address, string error);

        [LoggerMessage(EventId = EventIds.RevokerAdded, Level = LogLevel.Information, Message = "[SERVICE: Bloomfilter] {Count} revocation(s) added")]
        public static partial void Added(ILogger logger, int count);
    }
}
