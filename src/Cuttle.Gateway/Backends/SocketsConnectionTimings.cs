using System.Diagnostics;
using System.Net;
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
    private sealed class Setup
    {
        public long Started;
        public long DnsTicks;
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

    /// <summary>Wraps the handler's connect (its own, or one a setting already installed) and plaintext filter.</summary>
    public static void Install(SocketsHttpHandler handler)
    {
        var connect = handler.ConnectCallback;
        handler.ConnectCallback = async (context, ct) =>
        {
            var setup = new Setup { Started = Stopwatch.GetTimestamp(), Tls = context.InitialRequestMessage.RequestUri?.Scheme == Uri.UriSchemeHttps };
            Setups.AddOrUpdate(context.InitialRequestMessage, setup);
            var stream = connect is not null ? await connect(context, ct).ConfigureAwait(false) : await ConnectAsync(context.DnsEndPoint, setup, ct).ConfigureAwait(false);
            setup.Connected = Stopwatch.GetTimestamp();
            return stream;
        };
        var filter = handler.PlaintextStreamFilter;
        handler.PlaintextStreamFilter = (context, ct) =>
        {
            if (Setups.TryGetValue(context.InitialRequestMessage, out var setup)) setup.Ready = Stopwatch.GetTimestamp();
            return filter is not null ? filter(context, ct) : ValueTask.FromResult(context.PlaintextStream);
        };
    }

    /// <summary>What SocketsHttpHandler's own connect does (NoDelay, every address in turn), with the lookup timed apart.</summary>
    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, Setup setup, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (IPAddress.TryParse(endpoint.Host, out var address)) await socket.ConnectAsync(address, endpoint.Port, ct).ConfigureAwait(false);
            else
            {
                var resolving = Stopwatch.GetTimestamp();
                var addresses = await Dns.GetHostAddressesAsync(endpoint.Host, ct).ConfigureAwait(false);
                setup.DnsTicks = Stopwatch.GetTimestamp() - resolving;
                await socket.ConnectAsync(addresses, endpoint.Port, ct).ConfigureAwait(false);
            }
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The timings of the request a response answers: its new connection's setup, or a reuse with nothing measured.</summary>
    public static ConnectionTimings For(HttpRequestMessage? request)
    {
        if (request is null || !Setups.TryGetValue(request, out var setup) || setup.Ready == 0) return new(Reused: true, 0, 0, 0, 0);
        var tls = setup.Tls ? setup.Ready - setup.Connected : 0;
        return new(Reused: false, setup.Ready - setup.Started, setup.DnsTicks, tls, 0);
    }
}
