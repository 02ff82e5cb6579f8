using System.Buffers;
using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Diagnostics;
using Cuttle.Go;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// The innermost proxy of a non-no-op backend (lura proxy/http.go): call, check the status (only 200 and 201 are
/// success), then parse the body with the backend's <see cref="ResponseParser"/> (decode by encoding, then the entity
/// formatter), chosen when the proxy is built. Failures are returned as data.
/// </summary>
internal sealed partial class BackendProxy : IProxy
{
    private const int MaxBodyBytes = 64 * 1024 * 1024;
    private const int InitialBodyBytes = 16 * 1024;

    private readonly BackendConfig _backend;
    private readonly BackendCaller _caller;
    // Decoder and entity formatter of the backend's encoding, chosen here once: the request path never reads the name.
    private readonly ResponseParser _parser;
    private readonly ILogger _logger;
    private readonly string _errorDetailsKey;

    public BackendProxy(BackendConfig backend, EndpointConfig endpoint, BackendTransport transport, ILogger logger,
        Backends.Caching.HttpCache? cache = null, IBackendCallObserver? observer = null, Discovery.SrvFirstLookups? srvLookups = null)
    {
        _backend = backend;
        _caller = new BackendCaller(backend, endpoint, transport, logger, cache: cache, observer: observer, srvLookups: srvLookups);
        _parser = ResponseParser.For(backend);
        _logger = logger;
        _errorDetailsKey = "error_" + backend.Http.ReturnErrorDetails;
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken ct)
    {
        var url = request.BackendUrl ?? _caller.BuildUrl(request);
        BackendResponse response;
        try
        {
            response = await _caller.SendAsync(request, url, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || ct.IsCancellationRequested)
        {
            return Fail(url, "context deadline exceeded");
        }
        catch (GoUrlException ex)
        {
            // lura's balancing middleware fails on url.Parse with the *url.Error as is; its URL is quoted (no raw CR/LF in logs).
            return Fail(ex.QuotedUrl, ex.Message);
        }
        catch (ShapingException ex)
        {
            // A martian modifier's or the GraphQL middleware's error, returned as it is (not the client's shape).
            return Fail(url, ex.Message);
        }
        catch (Discovery.NoHostsException ex)
        {
            return Fail(url, ex.Message); // lura's balancer returns sd.ErrNoHosts as is
        }
        catch (HttpRequestException ex)
        {
            // Go's client error shape: Get "URL": dial tcp ...: connection refused
            return Fail(url, $"{Title(_caller.MethodName)} \"{url}\": {Describe(ex)}");
        }

        using (response)
        {
            var status = response.StatusCode;
            if (status is not (200 or 201))
            {
                if (_backend.Http.ReturnErrorDetails is not null || _backend.Http.ReturnErrorCode)
                {
                    string body;
                    try
                    {
                        var (errorBody, errorLength) = await ReadBodyAsync(response, ct).ConfigureAwait(false);
                        body = Encoding.UTF8.GetString(errorBody, 0, errorLength);
                        ArrayPool<byte>.Shared.Return(errorBody);
                    }
                    catch (Exception) when (ct.IsCancellationRequested) { return Fail(url, "context deadline exceeded"); }
                    catch (HttpRequestException ex) { return Fail(url, Describe(ex)); }
                    catch (Exception ex) when (ex is IOException or InvalidDataException) { return Fail(url, ex.Message); }
                    var contentType = response.ContentType;
                    if (_backend.Http.ReturnErrorDetails is not null)
                    {
                        var details = DataTree.NewMap(3);
                        details["http_status_code"] = status;
                        if (body.Length > 0) details["http_body"] = body;
                        if (!string.IsNullOrEmpty(contentType)) details["http_body_encoding"] = contentType;
                        var data = DataTree.NewMap(1);
                        data[_errorDetailsKey] = details;
                        return ProxyResult.Ok(new ProxyResponse(data, isComplete: false));
                    }
                    Log.BackendFailed(_logger, url, $"status {status}");
                    return ProxyResult.Fail(new ProxyError(body, status, contentType));
                }
                return Fail(url, $"invalid status code {status} [{_caller.MethodName} {_caller.Template.GoTemplate}]: {url}");
            }

            byte[]? buffer = null;
            int length;
            try
            {
                (buffer, length) = await ReadBodyAsync(response, ct).ConfigureAwait(false);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
                return Fail(url, "context deadline exceeded");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException or InvalidOperationException)
            {
                return Fail(url, "reading the backend body: " + ex.Message);
            }
            request.Scope.RegisterBuffer(buffer);
            var parsed = _parser.Parse(buffer.AsMemory(0, length), request.Scope, out var error);
            return parsed is null ? Fail(url, error ?? "could not decode the backend response") : ProxyResult.Ok(parsed);
        }
    }

    /// <summary>The URL this backend would call for the request (what a Lua backend script sees as req:url()).</summary>
    public string BuildUrl(ProxyRequest request) => _caller.BuildUrl(request);

    /// <summary>
    /// Reads the whole body into a pooled buffer that grows with the bytes received, never with the bytes declared:
    /// a backend declaring 67 MB and sending six bytes must not cost 64 MiB (twenty such answers at once exhausted a
    /// 384 MB heap). The first buffer is min(declared + 1, 16 KiB); then it doubles only when full, capped at the
    /// declared length + 1 so an honest length still ends in one read that returns 0 without another copy.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<(byte[] Buffer, int Length)> ReadBodyAsync(BackendResponse response, CancellationToken ct)
    {
        var declared = response.ContentLength;
        // declared + 1: room to see the end (read returns 0) without growing; unknown length starts at 4 KiB.
        var wanted = declared is { } d && d < MaxBodyBytes ? (int)d + 1 : declared is null ? 4096 : InitialBodyBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(wanted, InitialBodyBytes));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxBodyBytes) throw new InvalidDataException($"backend body larger than {MaxBodyBytes} bytes");
                    // Double what arrived (bounded by what was received so far), but never past the declared length + 1.
                    var size = (int)Math.Min((long)buffer.Length * 2, MaxBodyBytes);
                    if (wanted > buffer.Length && wanted < size) size = wanted;
                    var bigger = ArrayPool<byte>.Shared.Rent(size);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await response.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
            }
            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private ProxyResult Fail(string url, string message)
    {
        Log.BackendFailed(_logger, url, message);
        return ProxyResult.Fail(new ProxyError(message));
    }

    internal static string Describe(HttpRequestException ex)
    {
        if (ex.InnerException is System.Net.Sockets.SocketException se)
        {
            return se.SocketErrorCode switch
            {
                System.Net.Sockets.SocketError.ConnectionRefused => "dial tcp: connect: connection refused",
                System.Net.Sockets.SocketError.HostNotFound => "dial tcp: lookup: no such host",
                System.Net.Sockets.SocketError.TimedOut => "dial tcp: i/o timeout",
                _ => "dial tcp: " + se.Message,
            };
        }
        return ex.InnerException is IOException io ? io.Message : ex.Message;
    }

    private static string Title(string method) => method.Length <= 1 ? method : method[0] + method[1..].ToLowerInvariant();

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BackendFailed, Level = LogLevel.Warning, Message = "backend {Url} failed: {Reason}")]
        public static partial void BackendFailed(ILogger logger, string url, string reason);
    }
}
