using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Cuttle.Tests.Support;

/// <summary>
/// A Kestrel HTTPS backend on 127.0.0.1 with an ephemeral port and the given certificate, HTTP/1.1 only. It answers
/// {"ok":true} and records, per request, the connection it came on and the client certificate presented (if any);
/// with <c>requireClientCertificate</c> the handshake fails unless the client shows one issued by <c>clientCa</c>.
/// </summary>
public sealed class TlsBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Seen(string ConnectionId, string? ClientCertificate);

    public ConcurrentQueue<Seen> Requests { get; } = new();

    /// <summary>Handshakes Kestrel finished (a TLS connection that served nothing counts too).</summary>
    public int Handshakes => _handshakes;

    private int _handshakes;

    private TlsBackend(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<TlsBackend> StartAsync(X509Certificate2 certificate, X509Certificate2? clientCa = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        TlsBackend? backend = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(System.Net.IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    https.OnAuthenticate = (_, _) => Interlocked.Increment(ref backend!._handshakes);
                    if (clientCa is null) return;
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (cert, _, _) =>
                    {
                        using var chain = new X509Chain();
                        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.Add(clientCa);
                        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                        return chain.Build(cert);
                    };
                });
            });
        });
        var app = builder.Build();
        backend = new TlsBackend(app);
        app.Run(async ctx =>
        {
            backend.Requests.Enqueue(new Seen(ctx.Connection.Id, ctx.Connection.ClientCertificate?.Subject));
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"ok":true}""");
        });
        await app.StartAsync();
        backend.Url = app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
