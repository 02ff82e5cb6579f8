using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Backends.Caching;

/// <summary>
/// A stored response replayed to one requester: its own read position over the entry's body, which is never
/// written after the entry was built, so any number of requesters read it at once. It adds the Age field RFC 9111
/// section 5.1 asks of a cache that answers from storage (krakend-httpcache adds none).
/// </summary>
internal sealed class CachedResponse(HttpCacheEntry entry, TimeSpan age) : BackendResponse(entry.StatusCode)
{
    private int _position;

    public HttpCacheEntry Entry => entry;

    public override long? ContentLength => entry.Body.Length;

    public override string? ContentType => entry.ContentType;

    public override string? Location => entry.Location;

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        var body = entry.Body;
        var n = Math.Min(destination.Length, body.Length - _position);
        body.AsSpan(_position, n).CopyTo(destination.Span);
        _position += n;
        return ValueTask.FromResult(n);
    }

    public override void CopyHeadersTo(IHeaderDictionary target)
    {
        foreach (var (name, values) in entry.Headers) target[name] = values;
        target["Age"] = ((long)age.TotalSeconds).ToString(CultureInfo.InvariantCulture);
    }

    public override void Dispose()
    {
    }
}

/// <summary>
/// A backend answer passed through while its body is copied for the cache: the entry is stored when the reader
/// reaches the end of the body, never before (a body cut short is never stored), and only while what arrived fits
/// the store (the copy grows with the bytes received, never with a declared length).
/// </summary>
internal sealed class RecordingResponse(BackendResponse inner, HttpCache cache, HttpCacheEntry pending, long limit) : BackendResponse(inner.StatusCode)
{
    private byte[]? _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, 4096));
    private int _length;

    public override long? ContentLength => inner.ContentLength;

    public override string? ContentType => inner.ContentType;

    public override string? Location => inner.Location;

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        var read = inner.ReadAsync(destination, ct);
        if (!read.IsCompletedSuccessfully) return Awaited(read, destination);
        var n = read.Result;
        Record(destination.Span[..n], ended: n == 0 && !destination.IsEmpty);
        return ValueTask.FromResult(n);
    }

    private async ValueTask<int> Awaited(ValueTask<int> read, Memory<byte> destination)
    {
        var n = await read.ConfigureAwait(false);
        Record(destination.Span[..n], ended: n == 0 && !destination.IsEmpty);
        return n;
    }

    // ended: the body is over (a read into an empty buffer returns 0 too, and says nothing).
    private void Record(ReadOnlySpan<byte> bytes, bool ended)
    {
        if (_buffer is null) return;
        if (ended)
        {
            cache.Commit(new HttpCacheEntry
            {
                Key = pending.Key,
                StatusCode = pending.StatusCode,
                Headers = pending.Headers,
                Body = _buffer.AsSpan(0, _length).ToArray(),
                ContentType = pending.ContentType,
                Location = pending.Location,
                VaryNames = pending.VaryNames,
                VaryValues = pending.VaryValues,
                Freshness = pending.Freshness,
            });
            Release();
            return;
        }
        if (_length + (long)bytes.Length > limit)
        {
            Release(); // larger than the store: passed on, not kept
            return;
        }
        if (_length + bytes.Length > _buffer.Length)
        {
            var bigger = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, Math.Max((long)_buffer.Length * 2, _length + bytes.Length)));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Release()
    {
        if (_buffer is null) return;
        System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    public override void CopyHeadersTo(IHeaderDictionary target) => inner.CopyHeadersTo(target);

    public override void Dispose()
    {
        Release();
        inner.Dispose();
    }
}
