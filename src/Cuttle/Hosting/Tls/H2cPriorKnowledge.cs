using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Cuttle.Hosting.Tls;

/// <summary>
/// Connection middleware of a clear-text listener with use_h2c: a connection that opens with HTTP/2's client preface
/// (RFC 9113 §3.4, "prior knowledge") is served as HTTP/2, any other as HTTP/1.1, as Go's h2c handler does. Kestrel
/// (.NET 10) serves a clear-text Http1AndHttp2 endpoint as HTTP/1.1 only and decides from two connection features,
/// TLS present and ALPN "h2"; this sets both for a preface connection. The features carry no certificate and the
/// request's scheme stays the client's :scheme ("http"), which Kestrel accepts with AllowAlternateSchemes.
/// </summary>
/// <remarks>
/// The preface is peeked, never consumed: the HTTP/1.1 or HTTP/2 parser reads the same bytes. One read per connection
/// (two if the client's first packet is shorter than the preface); requests pay nothing, and listeners without
/// use_h2c do not run this at all. Kestrel's h2c Upgrade (an HTTP/1.1 request with Upgrade: h2c) is not offered.
/// </remarks>
internal static class H2cPriorKnowledge
{
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>
    /// The middleware; <paramref name="headerTimeout"/> bounds the wait for the preface. Kestrel's own request-head
    /// timeout only starts once this hands the connection on, so without a bound a client that sends "PRI" (or nothing)
    /// and stalls would hold its connection for ever; Go reads the preface as a request line under ReadHeaderTimeout.
    /// </summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Use(TimeSpan headerTimeout) => next => async connection =>
    {
        var preface = await StartsWithPrefaceAsync(connection.Transport.Input, connection.ConnectionClosed, headerTimeout).ConfigureAwait(false);
        if (preface is null)
        {
            connection.Abort(new ConnectionAbortedException("no request head within the header timeout"));
            return;
        }
        if (preface == true)
        {
            connection.Features.Set<ITlsConnectionFeature>(PriorKnowledge.Instance);
            connection.Features.Set<ITlsApplicationProtocolFeature>(PriorKnowledge.Instance);
        }
        await next(connection).ConfigureAwait(false);
    };

    /// <summary>
    /// Reads until the bytes are the preface or depart from it; leaves every byte unread for the parser. Null when the
    /// timeout passed first.
    /// </summary>
    internal static async ValueTask<bool?> StartsWithPrefaceAsync(PipeReader input, CancellationToken closed, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(closed);
        deadline.CancelAfter(timeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Closed by the client: Kestrel sees the end itself.
                return closed.IsCancellationRequested ? false : null;
            }
            var buffer = result.Buffer;
            var verdict = Compare(buffer);
            if (verdict is not null || result.IsCompleted || result.IsCanceled)
            {
                // Nothing consumed, nothing examined: the next reader gets these bytes at once.
                input.AdvanceTo(buffer.Start, buffer.Start);
                return verdict == true;
            }
            input.AdvanceTo(buffer.Start, buffer.End); // a prefix of the preface so far: wait for more
        }
    }

    /// <summary>True: the preface; false: not it; null: a prefix of it, too short to tell.</summary>
    private static bool? Compare(ReadOnlySequence<byte> buffer)
    {
        var preface = Preface;
        var length = (int)Math.Min(buffer.Length, preface.Length);
        Span<byte> head = stackalloc byte[24];
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(preface[..length])) return false;
        return length == preface.Length ? true : null;
    }

    /// <summary>The two features Kestrel's protocol selection reads; no TLS, no certificate.</summary>
    private sealed class PriorKnowledge : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public static readonly PriorKnowledge Instance = new();
        private static readonly ReadOnlyMemory<byte> H2 = "h2"u8.ToArray();

        public ReadOnlyMemory<byte> ApplicationProtocol => H2;

        public X509Certificate2? ClientCertificate
        {
            get => null;
            set { }
        }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
