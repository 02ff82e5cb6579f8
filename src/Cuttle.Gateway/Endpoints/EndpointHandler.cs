using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Diagnostics;
using Cuttle.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Endpoints;

/// <summary>
/// lura's CustomErrorEndpointHandler for one endpoint: run the proxy stack under the endpoint timeout, then render.
/// X-Krakend-Completed is "true" only for a complete response with data; Cache-Control only then; a failure without
/// data answers the error's status (default 500) with the error text only when router.return_error_msg is set.
/// </summary>
internal sealed partial class EndpointHandler : IEndpointHandler
{
    private readonly EndpointConfig _endpoint;
    private readonly IProxy _proxy;
    private readonly RequestFactory _requests;
    private readonly RouterOptions _router;
    private readonly string? _cacheControl;
    private readonly string _versionHeader;
    private readonly bool _bufferBody;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    // Chosen from output_encoding here, once: the request path renders without looking at the name.
    private readonly ResponseRenderer _renderer;

    public EndpointHandler(EndpointConfig endpoint, IProxy proxy, RouterOptions router, ILogger logger, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _endpoint = endpoint;
        _proxy = proxy;
        _requests = new RequestFactory(endpoint, router);
        _renderer = ResponseRenderer.For(endpoint.OutputEncoding);
        _router = router;
        _logger = logger;
        _cacheControl = endpoint.CacheTtl > TimeSpan.Zero ? $"public, max-age={(long)endpoint.CacheTtl.TotalSeconds}" : null;
        _versionHeader = router.HideVersionHeader ? ResponseHeaders.HiddenVersionValue : ResponseHeaders.VersionValue;
        // Several backends (or repeated calls) need their own copy of the body, so it is read once up front.
        _bufferBody = endpoint.Backend.Length > 1 || endpoint.ConcurrentCalls > 1;
    }

    public Task HandleAsync(HttpContext context, string[] parameters) =>
        // Refusals are answered without entering the async method, whose state machine stays smaller for it.
        ParamChecker.Prologue(context, parameters, parameters.Length - _requests.ClaimCount, _versionHeader, _router.DisablePathDecoding)
        ?? ProxyAsync(context, parameters);

    private async Task ProxyAsync(HttpContext context, string[] parameters)
    {
        var response = context.Response;
        using var scope = new RequestScope();
        var request = _requests.Create(context, parameters, scope);
        if (_bufferBody) await request.BufferBodyAsync(context.RequestAborted).ConfigureAwait(false);

        using var cts = PooledTimeout.Start(_endpoint.Timeout, context.RequestAborted, _time);
        var (data, error) = await _proxy.InvokeAsync(request, cts.Token).ConfigureAwait(false);
        if (data is null && error is null && cts.IsCancellationRequested) error = new ProxyError("internal server error");
        if (context.RequestAborted.IsCancellationRequested) return; // the client is gone: nothing to write to

        var completed = "false";
        if (data is not null && data.DataCount > 0)
        {
            if (data.IsComplete && error is null)
            {
                completed = "true";
                if (_cacheControl is not null) response.Headers.CacheControl = _cacheControl;
            }
            if (data.Headers is not null) foreach (var (k, v) in data.Headers) response.Headers.Append(k, v);
        }
        response.Headers[ResponseHeaders.Completed] = completed;

        if (error is not null)
        {
            Log.EndpointError(_logger, _endpoint.Method, _endpoint.Endpoint, error.Message);
            if (data is null)
            {
                response.StatusCode = error.StatusCode > 0 ? error.StatusCode : 500;
                if (_router.ReturnErrorMsg)
                    await ResponseRenderer.WriteText(context, error.ContentType ?? "text/plain; charset=utf-8", error.Message).ConfigureAwait(false);
                return;
            }
        }
        await _renderer.RenderAsync(context, data?.Data).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.EndpointError, Level = LogLevel.Warning, Message = "[ENDPOINT: {Method} {Endpoint}] {Error}")]
        public static partial void EndpointError(ILogger logger, string method, string endpoint, string error);
    }
}
