using System.Buffers;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// Per-request owner of pooled resources (JsonDocuments and rented buffers that back the data tree). They stay alive
/// until the response is written, then go back to their pools in one place.
/// </summary>
internal sealed class RequestScope : IDisposable
{
    private List<IDisposable>? _disposables;
    private List<byte[]>? _buffers;
    private readonly Lock _lock = new();

    public void Register(IDisposable disposable)
    {
        lock (_lock) (_disposables ??= new List<IDisposable>(2)).Add(disposable);
    }

    public void RegisterBuffer(byte[] buffer)
    {
        lock (_lock) (_buffers ??= new List<byte[]>(2)).Add(buffer);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposables is not null) foreach (var d in _disposables) d.Dispose();
            if (_buffers is not null) foreach (var b in _buffers) ArrayPool<byte>.Shared.Return(b);
            _disposables = null;
            _buffers = null;
        }
    }
}
