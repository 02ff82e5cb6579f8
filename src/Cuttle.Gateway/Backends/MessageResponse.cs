using Cuttle.Go;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Backends;

/// <summary>A backend answer from an HttpMessageInvoker (SocketsHttpHandler for https and sd: dns, or a test's handler).</summary>
internal sealed class MessageResponse(HttpResponseMessage message) : BackendResponse((int)message.StatusCode)
{
    private Stream? _body;
    private bool _disposed;

    public override long? ContentLength => message.Content.Headers.ContentLength;

    public override string? ContentType => message.Content.Headers.ContentType?.ToString();

    // A Location the typed header could not parse is still a Location (Go then fails a redirect to it).
    public override string? Location => message.Headers.Location?.OriginalString
        ?? (message.Headers.NonValidated.TryGetValues("Location", out var values) ? values.ToString() : null);

    public override ConnectionTimings Connection => SocketsConnectionTimings.For(message.RequestMessage);

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        _body ??= await message.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return await _body.ReadAsync(destination, ct).ConfigureAwait(false);
    }

    public override void CopyHeadersTo(IHeaderDictionary target)
    {
        Copy(message.Headers, target);
        Copy(message.Content.Headers, target);
        // Same rule as the HTTP/1.1 client's: a chunked body's Content-Length describes nothing passed on.
        if (message.Headers.TransferEncodingChunked == true || StatusCode is 204 or 205) target.Remove("Content-Length");
    }

    private static void Copy(System.Net.Http.Headers.HttpHeaders source, IHeaderDictionary target)
    {
        foreach (var header in source.NonValidated)
        {
            if (HopByHop.Is(header.Key)) continue;
            var values = new string[header.Value.Count];
            var i = 0;
            foreach (var v in header.Value) values[i++] = WithoutControls(v);
            target[header.Key] = values;
        }
    }

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _body?.Dispose();
        message.Dispose();
    }
}
