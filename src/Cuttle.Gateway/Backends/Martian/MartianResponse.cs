using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Backends.Martian;

/// <summary>
/// The backend response as martian's response modifiers see it (Go's *http.Response): status, the end-to-end
/// headers, the body when a modifier replaced it, and the request it answers (as sent, after the request modifiers).
/// </summary>
internal sealed class MartianResponse
{
    public MartianResponse(BackendResponse? inner, MartianRequest request)
    {
        Inner = inner;
        Request = request;
        Status = inner?.StatusCode ?? 200; // krakend-martian's answer when the round trip is skipped: 200, no body
        Headers = new HeaderDictionary();
        inner?.CopyHeadersTo(Headers);
    }

    public BackendResponse? Inner { get; }

    public MartianRequest Request { get; }

    public int Status { get; set; }

    public HeaderDictionary Headers { get; }

    public byte[]? Body { get; set; }

    public string? Get(string name) => Headers.TryGetValue(name, out var v) ? (v.Count == 0 ? "" : v[0] ?? "") : null;

    public bool Any(string name, string value)
    {
        if (!Headers.TryGetValue(name, out var values)) return false;
        foreach (var v in values)
        {
            if (v == value) return true;
        }
        return false;
    }

    public void Set(string name, string value) => Headers[name] = value;

    public void Add(string name, string value) => Headers[name] = Headers.TryGetValue(name, out var v) ? StringValues.Concat(v, value) : new StringValues(value);

    public void Delete(string name) => Headers.Remove(name);

    /// <summary>The response the parser (or the no-op pass-through) reads from now on.</summary>
    public BackendResponse ToBackendResponse() => new ModifiedResponse(Inner, Status, Headers, Body ?? (Inner is null ? [] : null));
}

/// <summary>A backend answer after martian's response modifiers: their status, headers and body over the original's.</summary>
internal sealed class ModifiedResponse(BackendResponse? inner, int status, HeaderDictionary headers, byte[]? body) : BackendResponse(status)
{
    private int _read;

    public override long? ContentLength => body is not null ? body.Length : inner?.ContentLength;

    public override string? ContentType => headers.TryGetValue("Content-Type", out var v) && v.Count > 0 ? v[0] : null;

    public override string? Location => headers.TryGetValue("Location", out var v) && v.Count > 0 ? v[0] : null;

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        if (body is null) return inner!.ReadAsync(destination, ct);
        var n = Math.Min(destination.Length, body.Length - _read);
        body.AsSpan(_read, n).CopyTo(destination.Span);
        _read += n;
        return ValueTask.FromResult(n);
    }

    public override void CopyHeadersTo(IHeaderDictionary target)
    {
        foreach (var (name, values) in headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && body is not null) continue;
            target[name] = values;
        }
        if (body is not null && StatusCode is not (204 or 205)) target.ContentLength = body.Length;
    }

    public override void Dispose() => inner?.Dispose();
}
