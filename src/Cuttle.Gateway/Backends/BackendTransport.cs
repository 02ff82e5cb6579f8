using Cuttle.Gateway.Backends.Http1;

namespace Cuttle.Gateway.Backends;

/// <summary>
/// The two ways a generation sends backend requests, decided once when its pool is created: the own HTTP/1.1 client
/// for static http:// and https:// backends, and an HttpMessageInvoker (SocketsHttpHandler) for service discovery,
/// JWK fetches and CUTTLE_BACKEND_CLIENT=sockets. Both take client_tls (<see cref="BackendTls"/>). A <see cref="BackendCaller"/> picks between them per backend at
/// build time; nothing downstream needs to know which one answered (see <see cref="BackendResponse"/>).
/// </summary>
internal sealed class BackendTransport(HttpMessageInvoker invoker, LeanHttpClient? http1) : IDisposable
{
    /// <summary>Every call through <paramref name="invoker"/>: a test's in-memory backend, like YARP's forwarder takes one.</summary>
    public BackendTransport(HttpMessageInvoker invoker) : this(invoker, http1: null)
    {
    }

    /// <summary>The request/response-message transport; always present.</summary>
    public HttpMessageInvoker Invoker { get; } = invoker;

    /// <summary>The own HTTP/1.1 client for http:// and https:// backends; null when every call goes through <see cref="Invoker"/>.</summary>
    public LeanHttpClient? Http1 { get; } = http1;

    /// <summary>The service's response_header_timeout (zero: none), which every <see cref="BackendCaller"/> applies to each hop.</summary>
    public TimeSpan ResponseHeaderTimeout { get; init; }

    public void Dispose()
    {
        Http1?.Dispose();
        Invoker.Dispose();
    }
}
