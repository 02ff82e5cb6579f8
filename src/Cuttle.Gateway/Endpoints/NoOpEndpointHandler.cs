using System.Buffers;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Diagnostics;
using Cuttle.Gateway.Proxy;
using Cuttle.Go;
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

    public NoOpEndpointHandler(EndpointConfig endpoint, BackendTransport transport, RouterOptions router, ILogger logger,
        Backends.Caching.HttpCache? cache = null, IBackendCallObserver? observer = null, Discovery.SrvFirstLookups? srvLookups = null)
    {
        _endpoint = endpoint;
        _caller = new BackendCaller(endpoint.Backend[0], endpoint, transport, logger, cache: cache, observer: observer, srvLookups: srvLookups);
        _requests = new RequestFactory(endpoint, router);
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
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            if (context.RequestAborted.IsCancellationRequested) return;
            var message = ex is GoUrlException invalid ? invalid.Message // url.Parse's error, its URL quoted
                : ex is HttpRequestException hre ? $"{url}: {BackendProxy.Describe(hre)}" : "context deadline exceeded";
            await FailAsync(context, message).ConfigureAwait(false);
            return;
        }

        using (backend)
        {
            response.StatusCode = backend.StatusCode;
            backend.CopyHeadersTo(response.Headers);
            response.Headers[ResponseHeaders.Completed] = "false";
            // A 205 must not carry content (RFC 9110 section 15.3.6) and Kestrel refuses to write any: the status and
            // headers pass on, the body stays behind (KrakenD would copy it; its client would read it).
            if (backend.StatusCode == 205) return;
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
            catch (Exception ex) when (ex is IOException or OperationCanceledException or HttpRequestException or InvalidDataException)
            {
                // Mid-body failure (InvalidDataException: a gzip body that does not decode). The client must see a
                // truncated response, never a complete one.
                Log.StreamAborted(_logger, _endpoint.Endpoint, ex.Message);
                if (context.RequestAborted.IsCancellationRequested) return;
                // An abort drops what the transport has not sent yet, the head included: a client could get no
                // response at all, where KrakenD's sees the backend's status and then a broken body. So whenever a
                // Content-Length says more is due, end instead: Kestrel sends what was written, finds the length unmet
                // and closes the connection, with no complete response. Nothing sent yet and no length (a chunked
                // body): announce one the body will not reach. Only a chunked body already under way needs the abort.
                if (!response.HasStarted) response.ContentLength ??= 1;
                if (response.ContentLength is null)
                {
                    context.Abort();
                    return;
                }
                try { await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false); }
                catch (Exception flush) when (flush is IOException or OperationCanceledException) { context.Abort(); }
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
        [LoggerMessage(EventId = EventIds.NoOpBackendFailed, Level = LogLevel.Warning, Message = "[ENDPOINT: {Method} {Endpoint}] {Error}")]
        public static partial void BackendFailed(ILogger logger, string method, string endpoint, string error);

        [LoggerMessage(EventId = EventIds.NoOpStreamAborted, Level = LogLevel.Warning, Message = "[ENDPOINT: {Endpoint}] streaming the backend body failed: {Error}")]
        public static partial void StreamAborted(ILogger logger, string endpoint, string error);
    }
}
