using System.Net;
using System.Net.Sockets;
using Cuttle.Config.Model;
using Cuttle.Gateway;
using Cuttle.Gateway.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Cuttle.Auth;

/// <summary>
/// The host side of auth/revoker's admin endpoint (<see cref="RevokerAdmin"/>): a listener on cuttle_admin_address,
/// started, moved or stopped after each swap as the configuration says, which always adds to the live generation's
/// list. Off unless the address is configured. A port that cannot be bound is one error line; the gateway keeps serving.
/// </summary>
internal sealed class RevokerServer(ILoggerFactory loggerFactory, Func<Generation> current) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Cuttle.Revoker");
    private WebApplication? _listener;
    private string? _address;

    public async Task ApplyAsync(GatewayConfig config)
    {
        var address = config.Revoker?.AdminAddress;
        if (address == _address) return;
        await StopAsync().ConfigureAwait(false);
        if (address is null || !IPEndPoint.TryParse(address, out var endpoint)) return;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(endpoint);
        });
        var app = builder.Build();
        app.Run(ctx => RevokerAdmin.HandleAsync(ctx, current().Revocations, _logger));
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            RevokerAdmin.BindFailed(_logger, address, ex.Message);
            return;
        }
        _listener = app;
        _address = address;
        RevokerAdmin.Listening(_logger, address);
    }

    private async Task StopAsync()
    {
        if (_listener is not { } listener) return;
        _listener = null;
        _address = null;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await listener.StopAsync(cts.Token).ConfigureAwait(false);
        }
        finally
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
