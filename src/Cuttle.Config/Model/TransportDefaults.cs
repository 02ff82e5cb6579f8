namespace Cuttle.Config.Model;

/// <summary>
/// The backend transport's defaults, in one place: what KrakenD's HTTP client uses when the service names none
/// (lura's transport settings fall back to Go's http.DefaultTransport and lura's own constants). The binder applies
/// them, so every transport built from a <see cref="GatewayConfig"/> reads settled values.
/// </summary>
public static class TransportDefaults
{
    /// <summary>Go's DefaultTransport IdleConnTimeout: an idle keep-alive connection is closed after 90 s.</summary>
    public static readonly TimeSpan IdleConnectionTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Go's DefaultTransport dialer Timeout: a connect gives up after 30 s.</summary>
    public static readonly TimeSpan DialerTimeout = TimeSpan.FromSeconds(30);

    /// <summary>lura's DefaultMaxIdleConnsPerHost (Go's own default of 2 starves a gateway under load).</summary>
    public const int MaxIdleConnectionsPerHost = 250;
}
