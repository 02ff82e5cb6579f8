using System.Net;
using System.Net.Sockets;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends.Http1;

namespace Cuttle.Gateway.Backends;

/// <summary>
/// The backend connection pool a generation uses: one <see cref="BackendTransport"/> (both of its clients pool per
/// host) behind a reference count, so a reload whose transport settings did not change hands the warm pool to the
/// next generation instead of reconnecting (YARP does the same with CanReuseOldClient). The pool closes when its
/// last generation retires.
/// </summary>
public sealed class BackendClient
{
    private int _references = 1;

    /// <summary>Set to "sockets" to send every backend call through SocketsHttpHandler (comparison and escape hatch).</summary>
    internal const string ClientSwitch = "CUTTLE_BACKEND_CLIENT";

    private BackendClient(BackendTransport transport, TransportSettings? settings)
    {
        Transport = transport;
        Settings = settings;
    }

    internal BackendTransport Transport { get; }

    /// <summary>What shaped the pool; null for a handler given by the host, which is never handed on.</summary>
    internal TransportSettings? Settings { get; }

    /// <summary>The settings of a config that shape the pool; equal settings mean the pool can be shared.</summary>
    internal readonly record struct TransportSettings(bool DisableCompression, bool DisableKeepAlives, TimeSpan IdleConnectionTimeout,
        TimeSpan DialerTimeout, int MaxIdleConnections, int MaxIdleConnectionsPerHost, TimeSpan ResponseHeaderTimeout, string? ClientTls,
        TimeSpan DialerKeepAlive, TimeSpan DialerFallbackDelay, TimeSpan ExpectContinueTimeout)
    {
        public static TransportSettings From(GatewayConfig c) => new(c.DisableCompression, c.DisableKeepAlives, c.IdleConnectionTimeout, c.DialerTimeout,
            c.MaxIdleConnections, c.MaxIdleConnectionsPerHost, c.ResponseHeaderTimeout, c.ClientTls?.Identity,
            c.DialerKeepAlive, c.DialerFallbackDelay, c.ExpectContinueTimeout);
    }

    /// <summary>Reuses <paramref name="previous"/> when its settings match the config, else creates a new pool.</summary>
    public static BackendClient For(GatewayConfig config, BackendClient? previous) => For(config, previous, handler: null);

    /// <summary>
    /// As <see cref="For(GatewayConfig, BackendClient?)"/>; a <paramref name="handler"/> replaces both transports
    /// (every backend call goes to it, no sockets), and the client then owns and disposes it.
    /// </summary>
    internal static BackendClient For(GatewayConfig config, BackendClient? previous, HttpMessageHandler? handler)
    {
        if (handler is not null) return new BackendClient(new BackendTransport(new HttpMessageInvoker(handler, disposeHandler: true)), settings: null);
        var settings = TransportSettings.From(config);
        if (previous is not null && previous.Settings == settings && previous.TryAddReference()) return previous;
        var dialer = new BackendDialer(config.DialerTimeout, config.DialerKeepAlive, config.DialerFallbackDelay);
        var http1 = string.Equals(Environment.GetEnvironmentVariable(ClientSwitch), "sockets", StringComparison.OrdinalIgnoreCase)
            ? null
            : new LeanHttpClient(new LeanClientOptions
            {
                IdleTimeout = config.IdleConnectionTimeout,
                Dialer = dialer,
                ExpectContinueTimeout = config.ExpectContinueTimeout,
                MaxIdlePerHost = config.MaxIdleConnectionsPerHost,
                IdleBudget = config.MaxIdleConnections > 0 ? new IdleBudget(config.MaxIdleConnections) : null,
                DisableKeepAlives = config.DisableKeepAlives,
                Decompress = !config.DisableCompression,
                Tls = BackendTls.Create(config.ClientTls),
            });
        return new BackendClient(new BackendTransport(new HttpMessageInvoker(CreateHandler(config, dialer), disposeHandler: true), http1) { ResponseHeaderTimeout = config.ResponseHeaderTimeout }, settings);
    }

    private bool TryAddReference()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0) return false; // already closed
            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current) return true;
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0) return;
        Transport.Dispose(); // both clients' pools
    }

    /// <summary>
    /// Settings mirror KrakenD's Go transport: gzip accepted and decoded, no cookies, no proxy, no automatic redirects
    /// (followed by hand, Go-style), no trace headers (a backend must see exactly the headers KrakenD sends). Timeouts
    /// and pool sizes are the config's, which holds KrakenD's defaults (<see cref="TransportDefaults"/>) for unset ones.
    /// Connections come from the <paramref name="dialer"/> the own client uses too (keep-alive, Happy Eyeballs), and a
    /// body with Expect: 100-continue waits expect_continue_timeout; zero sends it at once as Go does (the handler's own
    /// default would wait 1 s).
    /// </summary>
    internal static SocketsHttpHandler CreateHandler(GatewayConfig config, BackendDialer dialer)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = config.DisableCompression ? DecompressionMethods.None : DecompressionMethods.GZip,
            ActivityHeadersPropagator = null,
            PooledConnectionIdleTimeout = config.IdleConnectionTimeout,
            ConnectTimeout = config.DialerTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // re-resolve DNS now and then
            Expect100ContinueTimeout = config.ExpectContinueTimeout > TimeSpan.Zero ? config.ExpectContinueTimeout : TimeSpan.Zero,
            ConnectCallback = async (context, ct) =>
                new NetworkStream(await dialer.ConnectAsync(context.DnsEndPoint.Host.Trim('[', ']'), context.DnsEndPoint.Port, ct).ConfigureAwait(false), ownsSocket: true),
        };
        if (config.DisableKeepAlives) handler.PooledConnectionLifetime = TimeSpan.Zero;
        if (BackendTls.Create(config.ClientTls) is { } tls) handler.SslOptions = tls;
        if (SocketsConnectionTimings.Wanted(config)) SocketsConnectionTimings.Install(handler, dialer); // times the dialer's lookup too
        return handler;
    }
}
