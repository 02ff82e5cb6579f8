using Cuttle.Config.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Cuttle.Hosting.Tls;

/// <summary>
/// What the listener speaks, decided once per listener: clear-text HTTP/1.1 (the default, and the only shape whose
/// connections run no extra middleware); HTTPS with HTTP/2 and HTTP/1.1 by ALPN, as a Go http.Server serving TLS; or,
/// with use_h2c, clear text that also takes HTTP/2 with prior knowledge (Go's h2c handler).
/// </summary>
internal static class ListenerProtocols
{
    /// <summary>The shape of a listener; a reload that changes it on the same address needs a restart.</summary>
    public static string ShapeOf(bool tls, bool h2c) => tls ? "https" : h2c ? "http+h2c" : "http";

    /// <summary>
    /// Go's http.Server bounds the TLS handshake by the smallest of read_header_timeout, read_timeout and write_timeout
    /// that is set (Server.tlsHandshakeTimeout); with none set Go has no bound, and Cuttle keeps Kestrel's 10 s.
    /// </summary>
    public static TimeSpan HandshakeTimeout(GatewayConfig config)
    {
        var timeout = TimeSpan.Zero;
        foreach (var t in (ReadOnlySpan<TimeSpan>)[config.ReadHeaderTimeout, config.ReadTimeout, config.WriteTimeout])
            if (t > TimeSpan.Zero && (timeout == TimeSpan.Zero || t < timeout)) timeout = t;
        return timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(10);
    }

    public static void Configure(ListenOptions listen, ServerTls? tls, bool h2c, TimeSpan handshakeTimeout)
    {
        if (tls is not null)
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.Use(TlsInput.Capture); // the socket's reader, for TlsInput.Use below
            listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = tls.OnConnectionAsync,
                HandshakeTimeout = handshakeTimeout,
            });
            listen.Use(TlsInput.Use); // HTTP/1.1 requests read without suspended async frames per wait (see TlsInput)
        }
        else if (h2c)
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            // The limits are set before any listener: the request-head timeout is final here.
            listen.Use(H2cPriorKnowledge.Use(listen.KestrelServerOptions.Limits.RequestHeadersTimeout));
            // An h2c request says :scheme http on a connection Kestrel takes for TLS (see H2cPriorKnowledge).
            listen.KestrelServerOptions.AllowAlternateSchemes = true;
        }
        // Go refuses a signed Content-Length ("+5") with 400; Kestrel's parser accepts it (see StrictContentLength).
        // After TLS, so that it reads the decrypted bytes; HTTP/2 connections skip it.
        listen.Use(Connections.StrictContentLength.Use);
    }
}
