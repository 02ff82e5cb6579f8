using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Diagnostics;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// auth/signer replaces the endpoint's handler (krakend-jose TokenSigner): run the proxy, replace every
/// keys_to_sign value that is an object with its JWS, answer JSON with the response's status (200 by default). A proxy error, a
/// missing response or a signing failure answers 400 with an empty body; no X-Krakend headers are written.
/// </summary>
internal sealed partial class JwtSignerEndpointHandler(EndpointConfig endpoint, IProxy proxy, JwtSigner signer, ILogger logger,
    TimeProvider? time = null, RouterOptions? router = null) : IEndpointHandler
{
    private readonly RequestFactory _requests = new(endpoint, router);
    private readonly string[] _keysToSign = [.. endpoint.JwtSigner!.KeysToSign];

    public async Task HandleAsync(HttpContext context, string[] parameters)
    {
        using var scope = new RequestScope();
        var request = _requests.Create(context, parameters, scope);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var timer = cts.CancelAfterOn(endpoint.Timeout, time ?? TimeProvider.System);
        var (data, error) = await proxy.InvokeAsync(request, cts.Token).ConfigureAwait(false);
        if (context.RequestAborted.IsCancellationRequested) return;
        if (error is not null || data is null)
        {
            Log.Failed(logger, endpoint.Endpoint, error?.Message ?? "empty proxy response");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        try
        {
            foreach (var key in _keysToSign)
            {
                // krakend-jose SignFields signs a key only when its value is an object (map[string]interface{}).
                if (data.Data.TryGetValue(key, out var value) && value is Dictionary<string, object?> or System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object })
                    data.Data[key] = await signer.SignAsync(value, cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is JwkUnavailableException or HttpRequestException or OperationCanceledException
            or Microsoft.IdentityModel.Tokens.SecurityTokenException or NotSupportedException or ArgumentException)
        {
            Log.Failed(logger, endpoint.Endpoint, "signing fields: " + ex.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (data.Headers is not null)
        {
            foreach (var (k, v) in data.Headers) if (v.Length > 0) context.Response.Headers[k] = v[0];
        }
        context.Response.StatusCode = data.StatusCode > 0 ? data.StatusCode : StatusCodes.Status200OK;
        await ResponseRenderer.WriteJson(context, data.Data).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.JwtSignerFailed, Level = LogLevel.Warning, Message = "[ENDPOINT: {Endpoint}][JWTSigner] {Error}")]
        public static partial void Failed(ILogger logger, string endpoint, string error);
    }
}
