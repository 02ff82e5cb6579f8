using Cuttle.Gateway.Backends.Http1;

namespace Cuttle.Gateway.Backends;

/// <summary>
/// The SocketsHttpHandler invoker every backend component already receives, carrying the lean HTTP/1.1 client of
/// the same pool, so a backend can pick its transport at build time without another constructor parameter.
/// </summary>
internal sealed class BackendInvoker(HttpMessageHandler handler, LeanHttpClient? lean) : HttpMessageInvoker(handler, disposeHandler: true)
{
    /// <summary>Null when CUTTLE_BACKEND_CLIENT=sockets forces SocketsHttpHandler everywhere.</summary>
    public LeanHttpClient? Lean { get; } = lean;

    protected override void Dispose(bool disposing)
    {
        if (disposing) Lean?.Dispose();
        base.Dispose(disposing);
    }
}
