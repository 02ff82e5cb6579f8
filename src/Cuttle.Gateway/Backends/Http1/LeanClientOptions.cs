namespace Cuttle.Gateway.Backends.Http1;

/// <summary>The transport settings the lean client honours; defaults are Go's http.DefaultTransport / KrakenD's.</summary>
internal sealed record LeanClientOptions
{
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxIdlePerHost { get; init; } = 250;
    public bool DisableKeepAlives { get; init; }
    public bool Decompress { get; init; } = true;
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
