using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Cuttle.Config.Model;
using Cuttle.Telemetry.Stats;
using Microsoft.Extensions.Logging;

namespace Cuttle.Tests.Telemetry.Stats;

public sealed class StatsServerTests
{
    private sealed class Lines : ILoggerProvider
    {
        public ConcurrentQueue<string> Logged { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(Lines owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => owner.Logged.Enqueue($"{logLevel}: {formatter(state, exception)}");
        }
    }

    private static GatewayConfig With(string listen, int port) => new()
    {
        Metrics = new MetricsOptions { ListenAddress = listen, ListenHost = "127.0.0.1", ListenPort = port },
    };

    [Fact]
    public async Task A_port_in_use_is_one_clear_error_line_and_a_bound_listener_keeps_serving()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var busy = ((IPEndPoint)taken.LocalEndpoint).Port;
        var lines = new Lines();
        using var factory = LoggerFactory.Create(b => b.AddProvider(lines));
        await using var server = new StatsServer(factory, TimeProvider.System);

        await server.ApplyAsync(With($"127.0.0.1:{busy}", busy), 1);
        Assert.Equal(0, server.Port);
        Assert.Contains(lines.Logged, l => l.StartsWith($"Error: [SERVICE: Stats] cannot listen on 127.0.0.1:{busy} for /__stats:", StringComparison.Ordinal)
            && l.EndsWith("the gateway keeps serving", StringComparison.Ordinal));

        await server.ApplyAsync(With("127.0.0.1:0", 0), 2);
        var bound = server.Port;
        Assert.NotEqual(0, bound);
        await server.ApplyAsync(With($"127.0.0.1:{busy}", busy), 3);
        Assert.Equal(bound, server.Port);
        Assert.Contains(lines.Logged, l => l.EndsWith($"; still serving it on 127.0.0.1:0", StringComparison.Ordinal));
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"http://127.0.0.1:{bound}/__stats")).StatusCode);
    }

    [Fact]
    public async Task Without_the_namespace_or_with_endpoint_disabled_nothing_listens()
    {
        using var factory = LoggerFactory.Create(_ => { });
        await using var server = new StatsServer(factory, TimeProvider.System);
        await server.ApplyAsync(With("127.0.0.1:0", 0), 1);
        var port = server.Port;
        Assert.NotEqual(0, port);

        await server.ApplyAsync(new GatewayConfig { Metrics = new MetricsOptions { ListenHost = "127.0.0.1", ListenPort = 0, EndpointDisabled = true } }, 2);
        Assert.Equal(0, server.Port);
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));

        await server.ApplyAsync(With("127.0.0.1:0", 0), 3);
        Assert.NotEqual(0, server.Port);
        await server.ApplyAsync(new GatewayConfig(), 4);
        Assert.Equal(0, server.Port);
    }
}
