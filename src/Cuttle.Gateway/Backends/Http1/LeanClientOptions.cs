using Cuttle.Config.Model;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>The transport settings the lean client honours; defaults are KrakenD's (<see cref="TransportDefaults"/>).</summary>
internal sealed record LeanClientOptions
{
    public TimeSpan IdleTimeout { get; init; } = TransportDefaults.IdleConnectionTimeout;
    public TimeSpan ConnectTimeout { get; init; } = TransportDefaults.DialerTimeout;
    public int MaxIdlePerHost { get; init; } = TransportDefaults.MaxIdleConnectionsPerHost;
    public bool DisableKeepAlives { get; init; }
    public bool Decompress { get; init; } = true;
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
