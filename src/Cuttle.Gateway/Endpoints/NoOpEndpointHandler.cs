using System.Buffers;
using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Proxy;
using Cuttle.Gateway.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Endpoints;

/// <summary>
/// output_encoding no-op: the backend's status, headers and body pass through untouched and the body is streamed,
/// never buffered. KrakenD reports such responses as X-Krakend-Completed: false (their data map is empty).
/// </summary>
internal sealed partial class NoOpEndpointHandler : IEndpointHandler
{
    private const int CopyBufferSize = 16 * 1024;

    private readonly EndpointConfig _endpoint;
    private readonly BackendCaller _caller;
    private readonly RequestFactory _requests;
    private readonly RouterOptions _router;
    private readonly string _versionHeader;
    private readonly ILogger _logger;

    public NoOpEndpointHandler(EndpointConfig endpoint, HttpMessageInvoker client, RouterOptions router, ILogger logger)
    {
        _endpoint = endpoint;
        _caller = new BackendCaller(endpoint.Backend[0], endpoint, client, logger);
        _requests = new RequestFactory(endpoint);
        _router = router;
        _logger = logger;
        _versionHeader = router.HideVersionHeader ? ResponseHeaders.HiddenVersionValue : ResponseHeaders.VersionValue;
    }

    public Task HandleAsync(HttpContext context, string[] parameters) =>
        // Refusals are answered without entering the async method, whose state machine stays smaller for it.
        ParamChecker.Prologue(context, parameters, _versionHeader, _router.DisablePathDecoding) ?? ProxyAsync(context, parameters);

    private async Task ProxyAsync(HttpContext context, string[] parameters)
    {
        var response = context.Response;
        using var scope = new RequestScope();
        var request = _requests.Create(context, parameters, scope);
        using var cts = PooledTimeout.Start(_endpoint.Timeout, context.RequestAborted);
        var url = _caller.BuildUrl(request);
        BackendResponse backend;
        try
        {
            backend = await _caller.SendAsync(request, url, cts.Token).ConfigureAwait(false);
            if (_caller.IsRedirectToFollow(backend, request)) backend = await _caller.FollowRedirectsAsync(backend, request, url, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            if (context.RequestAborted.IsCancellationRequested) return;
            var message = ex is Http.GoUrlException invalid ? invalid.Message // url.Parse's error, its URL quoted
                : ex is HttpRequestException hre ? $"{url}: {BackendProxy.Describe(hre)}" : "context deadline exceeded";
            await FailAsync(context, message).ConfigureAwait(false);
            return;
        }

        using (backend)
        {
            response.StatusCode = backend.StatusCode;
            backend.CopyHeadersTo(response.Headers);
            response.Headers[ResponseHeaders.Completed] = "false";
            // Streamed: let Kestrel send each chunk as it arrives instead of buffering the whole body.
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                int read;
                while ((read = await backend.ReadAsync(buffer.AsMemory(), cts.Token).ConfigureAwait(false)) > 0)
                {
                    await response.Body.WriteAsync(buffer.AsMemory(0, read), cts.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or HttpRequestException)
            {
                // Mid-body failure: the status is already sent; abort so the client sees a truncated response, not a complete one.
                Log.StreamAborted(_logger, _endpoint.Endpoint, ex.Message);
                context.Abort();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task FailAsync(HttpContext context, string message)
    {
        Log.BackendFailed(_logger, _endpoint.Method, _endpoint.Endpoint, message);
        context.Response.StatusCode = 500;
        context.Response.Headers[ResponseHeaders.Completed] = "false";
        if (_router.ReturnErrorMsg)
            await ResponseRenderer.WriteText(context, "text/plain; charset=utf-8", message).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "[ENDPOINT: {Method} {Endpoint}] {Error}")]
        public static partial void BackendFailed(ILogger logger, string method, string endpoint, string error);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "[ENDPOINT: {Endpoint}] streaming the backend body failed: {Error}")]
        public static partial void StreamAborted(ILogger logger, string endpoint, string error);
    }
}
