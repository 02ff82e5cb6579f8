using System.Buffers;

namespace Cuttle.Gateway.Data;

/// <summary>
/// Per-request owner of pooled resources (JsonDocuments and rented buffers that back the data tree). They stay alive
/// until the response is written, then go back to their pools in one place. A request usually registers one document
/// and at most one buffer, so the first of each lives in a field and lists exist only beyond that.
/// </summary>
internal sealed class RequestScope : IDisposable
{
    private IDisposable? _disposable;
    private byte[]? _buffer;
    private List<IDisposable>? _moreDisposables;
    private List<byte[]>? _moreBuffers;

    // Backends of a merge register concurrently. The scope is private to one request and never handed out, so it
    // serves as its own monitor instead of allocating a lock object per request.
    private object Sync => this;

    public void Register(IDisposable disposable)
    {
        lock (Sync)
        {
            if (_disposable is null) _disposable = disposable;
            else (_moreDisposables ??= new List<IDisposable>(2)).Add(disposable);
        }
    }

    public void RegisterBuffer(byte[] buffer)
    {
        lock (Sync)
        {
            if (_buffer is null) _buffer = buffer;
            else (_moreBuffers ??= new List<byte[]>(2)).Add(buffer);
        }
    }

    public void Dispose()
    {
        lock (Sync)
        {
            _disposable?.Dispose();
            if (_moreDisposables is not null) foreach (var d in _moreDisposables) d.Dispose();
            if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
            if (_moreBuffers is not null) foreach (var b in _moreBuffers) ArrayPool<byte>.Shared.Return(b);
            _disposable = null;
            _buffer = null;
            _moreDisposables = null;
            _moreBuffers = null;
        }
    }
}
