using System.Net.Security;
using Cuttle.Config.Model;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>The transport settings the lean client honours; defaults are KrakenD's (<see cref="TransportDefaults"/>).</summary>
internal sealed record LeanClientOptions
{
    public TimeSpan IdleTimeout { get; init; } = TransportDefaults.IdleConnectionTimeout;

    /// <summary>How connections are made: dialer_timeout, dialer_keep_alive and dialer_fallback_delay (Go's net.Dialer).</summary>
    public BackendDialer Dialer { get; init; } = new(TransportDefaults.DialerTimeout, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>expect_continue_timeout: how long a request with Expect: 100-continue waits before its body goes anyway (zero: no wait).</summary>
    public TimeSpan ExpectContinueTimeout { get; init; }
    public int MaxIdlePerHost { get; init; } = TransportDefaults.MaxIdleConnectionsPerHost;

    /// <summary>max_idle_connections across every pool of the client; null (0 in the config) means no limit, as in Go.</summary>
    public IdleBudget? IdleBudget { get; init; }
    public bool DisableKeepAlives { get; init; }
    public bool Decompress { get; init; } = true;
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>client_tls for https:// pools (the target host is set per pool); null means the platform defaults.</summary>
    public SslClientAuthenticationOptions? Tls { get; init; }

    /// <summary>Go's TLSHandshakeTimeout, which lura's transport sets to 10 seconds.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
