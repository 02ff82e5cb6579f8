using System.Diagnostics;

namespace Cuttle.Gateway.Backends;

/// <summary>
/// Watches the HTTP requests one backend sends (telemetry/opentelemetry's backend-request layer), on both transports.
/// Built once per backend when the layer is on; a backend without one pays nothing. Defined here so the backend
/// client does not depend on the telemetry folder that implements it.
/// </summary>
internal interface IBackendCallObserver
{
    /// <summary>Whether the trace context is written to the backend request (W3C traceparent).</summary>
    bool Propagate { get; }

    /// <summary>
    /// Starts the client span (null when not traced or not sampled: an unsampled request's trace says so before any
    /// Activity exists); it becomes Activity.Current for the send. <paramref name="headerFilter"/> is the backend's
    /// input_headers filter, so the headers reported are the ones sent.
    /// </summary>
    Activity? Start(string url, string method, Data.ProxyRequest request, HashSet<string>? headerFilter);

    /// <summary>Records one request that ended with a response or an exception (<paramref name="response"/> null).</summary>
    void End(Activity? activity, long startTimestamp, string url, string method, Data.ProxyRequest request, BackendResponse? response,
        Exception? error, CancellationToken ct);
}
