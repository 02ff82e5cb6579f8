using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Cuttle.Gateway.Backends;

/// <summary>
/// detailed_connection on the SocketsHttpHandler path. The handler has no hook for a request taking an idle
/// connection, only for making a new one: its ConnectCallback (here: the DNS lookup, then the TCP connect) and its
/// PlaintextStreamFilter (called once TLS, if any, is done). Each new connection's setup is kept against the request
/// that made the handler open it (SocketsHttpConnectionContext.InitialRequestMessage), in a weak table: nothing per
/// request, one small entry per connection. What cannot be measured there: the time a request waits for or takes an
/// idle connection (get-conn is the new connection's setup time, and 0 on reuse), the first response byte (the
/// response head's arrival stands for it), and a connection the handler opened for one request but gave to another
/// (the setup is then reported on the request that caused it).
/// </summary>
internal static class SocketsConnectionTimings
{
    private sealed class Setup : BackendDialer.DialTiming
    {
        public long Started;
        public long Connected;
        public long Ready;
        public bool Tls;
    }

    private static readonly ConditionalWeakTable<HttpRequestMessage, Setup> Setups = new();

    /// <summary>Whether any backend asks for detailed_connection (service layer or a backend's own): only then is the connect wrapped.</summary>
    public static bool Wanted(Config.Model.GatewayConfig config)
    {
        if (config.OpenTelemetry is not { } o) return false;
        if (Asks(o.Backend)) return true;
        foreach (var endpoint in config.Endpoints)
        {
            foreach (var backend in endpoint.Backend)
                if (backend.Telemetry?.Backend is { } own && Asks(own)) return true;
        }
        return false;
    }

    private static bool Asks(Config.Model.BackendLayerOptions layer) =>
        (layer.Metrics.DetailedConnection && (layer.Metrics.RoundTrip || layer.Metrics.ReadPayload))
        || (layer.Traces.DetailedConnection && (layer.Traces.RoundTrip || layer.Traces.ReadPayload));

    /// <summary>
    /// Replaces the handler's connect with the <paramref name="dialer"/>'s (the one it uses anyway, so keep-alive and
    /// Happy Eyeballs stay) telling the lookup's time, and wraps its plaintext filter.
    /// </summary>
    public static void Install(SocketsHttpHandler handler, BackendDialer dialer)
    {
        handler.ConnectCallback = async (context, ct) =>
        {
            var setup = new Setup { Started = Stopwatch.GetTimestamp(), Tls = context.InitialRequestMessage.RequestUri?.Scheme == Uri.UriSchemeHttps };
            Setups.AddOrUpdate(context.InitialRequestMessage, setup);
            var socket = await dialer.ConnectAsync(context.DnsEndPoint.Host.Trim('[', ']'), context.DnsEndPoint.Port, setup, ct).ConfigureAwait(false);
            setup.Connected = Stopwatch.GetTimestamp();
            return new NetworkStream(socket, ownsSocket: true);
        };
        var filter = handler.PlaintextStreamFilter;
        handler.PlaintextStreamFilter = (context, ct) =>
        {
            if (Setups.TryGetValue(context.InitialRequestMessage, out var setup)) setup.Ready = Stopwatch.GetTimestamp();
            return filter is not null ? filter(context, ct) : ValueTask.FromResult(context.PlaintextStream);
        };
    }

    /// <summary>The timings of the request a response answers: its new connection's setup, or a reuse with nothing measured.</summary>
    public static ConnectionTimings For(HttpRequestMessage? request)
    {
        if (request is null || !Setups.TryGetValue(request, out var setup) || setup.Ready == 0) return new(Reused: true, 0, 0, 0, 0);
        var tls = setup.Tls ? setup.Ready - setup.Connected : 0;
        return new(Reused: false, setup.Ready - setup.Started, setup.DnsTicks, tls, 0);
    }
}
