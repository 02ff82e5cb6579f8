#pragma warning disable CA1848, CA2254 // the tests log through the plain extension methods on purpose: any message will do
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cuttle.Config;
using Cuttle.Config.Model;
using Cuttle.Telemetry.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Tests.Telemetry.Logging;

/// <summary>The logger provider, the pump and the real destinations (UDP, TCP, a Unix datagram socket).</summary>
public sealed class TelemetryLoggingTests
{
    private static readonly FakeTimeProvider Clock = NewClock();

    private static FakeTimeProvider NewClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 14, 3, 9, 42, TimeSpan.Zero));
        clock.SetLocalTimeZone(TimeZoneInfo.Utc);
        return clock;
    }

    private static GatewayConfig Config(string extra)
    {
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes("{\"version\": 3, \"extra_config\": {" + extra + "}}"), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return loaded.Config!;
    }

    private static string Text(MemoryStream s) => Encoding.UTF8.GetString(s.ToArray());

    [Fact]
    public void Level_FollowsApply_AndTheLinesHaveKrakendsShape()
    {
        var stdout = new MemoryStream();
        var telemetry = new TelemetryLogging(NullLoggerFactory.Instance, stdout, TextWriter.Null, Clock, null);
        telemetry.Apply(Config("""
            "telemetry/logging": {"level": "ERROR", "stdout": true, "prefix": "[KRAKEND]"}
            """));
        var logger = telemetry.CreateLogger("Cuttle");
        Assert.False(logger.IsEnabled(LogLevel.Information));
        logger.LogInformation("dropped at ERROR");
        logger.LogError("kept");
        telemetry.Apply(Config("""
            "telemetry/logging": {"level": "DEBUG", "stdout": true, "format": "custom", "custom_format": "%{level} %{message}"}
            """));
        Assert.True(logger.IsEnabled(LogLevel.Debug));
        logger.LogDebug("now at DEBUG");
        telemetry.Dispose();

        Assert.Equal("[KRAKEND] 2026/12/07 - 14:03:09.042 \u001b[31m▶ ERROR\u001b[0m kept\nDEBUG now at DEBUG\n", Text(stdout));
    }

    [Fact]
    public void Logstash_MakesEveryMessageAJsonLine()
    {
        var stdout = new MemoryStream();
        var telemetry = new TelemetryLogging(NullLoggerFactory.Instance, stdout, TextWriter.Null, Clock, null);
        telemetry.Apply(Config("""
            "telemetry/logging": {"level": "INFO", "stdout": true, "format": "logstash"}, "telemetry/logstash": {"enabled": true}
            """));
        telemetry.CreateLogger("Cuttle").LogWarning("careful");
        telemetry.Dispose();

        Assert.Equal($"{{\"@timestamp\":\"2026-12-07T14:03:09.042000+00:00\",\"@version\":1,\"host\":\"{Environment.MachineName}\",\"level\":\"WARNING\",\"message\":\"careful\",\"module\":\"KRAKEND\"}}\n", Text(stdout));
    }

    [Fact]
    public void WithoutTheNamespace_TheFallbackLoggerIsUsed()
    {
        var stdout = new MemoryStream();
        var telemetry = new TelemetryLogging(NullLoggerFactory.Instance, stdout, TextWriter.Null, Clock, null);
        telemetry.Apply(Config("\"router\": {}"));
        var logger = telemetry.CreateLogger("Cuttle");
        Assert.False(logger.IsEnabled(LogLevel.Critical)); // the null fallback
        logger.LogCritical("not ours");
        telemetry.Dispose();
        Assert.Equal("", Text(stdout));
    }

    /// <summary>A stream whose writes block until released: a stuck stdout pipe.</summary>
    private sealed class BlockedStream : MemoryStream
    {
        public readonly ManualResetEventSlim Release = new(false);
        public override void Write(ReadOnlySpan<byte> buffer) { Release.Wait(); base.Write(buffer); }
        public override void Write(byte[] buffer, int offset, int count) { Release.Wait(); base.Write(buffer, offset, count); }
    }

    [Fact]
    public void SlowStdout_NeverBlocksTheCaller_DropsAreCountedAndReported()
    {
        var stdout = new BlockedStream();
        var stderr = new StringWriter();
        var telemetry = new TelemetryLogging(NullLoggerFactory.Instance, stdout, TextWriter.Synchronized(stderr), Clock, null, capacity: 16, batchBytes: 1024);
        telemetry.Apply(Config("""
            "telemetry/logging": {"level": "INFO", "stdout": true}
            """));
        var logger = telemetry.CreateLogger("Cuttle");
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++) logger.LogInformation("line {I}", i);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), "logging blocked on a stuck stdout");
        // What the stuck output can hold back is bounded, whatever the scheduling: the 16 queued records plus one batch
        // (the writer blocks at the latest once it holds 1 KB, i.e. at most 1 KB / shortest line + 1 lines); every
        // other line is dropped, and every line is accounted for.
        var dropped = telemetry.Pump.Dropped;
        var shortest = "2026/12/07 14:03:09.042 line 0\n".Length;
        Assert.True(dropped >= 1000 - 16 - (1024 / shortest + 1), $"dropped {dropped}");
        stdout.Release.Set();
        telemetry.Dispose();
        Assert.Contains("log lines dropped", stderr.ToString());
        var written = Encoding.UTF8.GetString(stdout.ToArray()).Count(c => c == '\n');
        Assert.Equal(1000, written + dropped);
    }

    [Fact]
    public async Task Gelf_Udp_SendsGzippedMessages_ChunkedWhenLarge()
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var telemetry = new TelemetryLogging(NullLoggerFactory.Instance, new MemoryStream(), TextWriter.Null, Clock, null);
        telemetry.Apply(Config($$"""
            "telemetry/logging": {"level": "INFO", "prefix": "[KRAKEND]"}, "telemetry/gelf": {"address": "127.0.0.1:{{port}}"}
            """));
        var logger = telemetry.CreateLogger("Cuttle");
        logger.LogInformation("small");
        // Random text does not compress: several 1420-byte chunks.
        var big = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6000));
        logger.LogInformation("{Big}", big);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = await listener.ReceiveAsync(cts.Token);
        Assert.Equal((byte)0x1f, first.Buffer[0]); // gzip magic
        var small = Gunzip(first.Buffer);
        Assert.StartsWith("{\"version\":\"1.1\",\"host\":", small);
        Assert.Contains("\"short_message\":\"[KRAKEND]small\"", small);
        Assert.Contains("\"level\":6,\"facility\":\"cuttle\"", small);

        var chunks = new SortedDictionary<int, byte[]>();
        int count;
        do
        {
            var c = (await listener.ReceiveAsync(cts.Token)).Buffer;
            Assert.Equal((0x1e, 0x0f), (c[0], c[1]));
            Assert.True(c.Length <= 1420);
            count = c[11];
            chunks[c[10]] = c[12..];
        }
        while (chunks.Count < count);
        Assert.True(count >= 5, $"{count} chunks");
        var whole = Gunzip(chunks.Values.SelectMany(b => b).ToArray());
        Assert.Contains(big, whole);
        telemetry.Dispose();
    }

    private static string Gunzip(byte[] data)
    {
        using var gz = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var r = new StreamReader(gz);
        return r.ReadToEnd();
    }

    [Fact]
    public async Task Gelf_Tcp_SendsNulTerminatedJson_AndTheAccessLogGoesThere()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var stdout = new MemoryStream();
        var telemetry = new TelemetryLogging(NullLoggerFactory.Instance, stdout, TextWriter.Null, Clock, null);
        telemetry.Apply(Config($$"""
            "telemetry/logging": {"level": "INFO", "stdout": true}, "telemetry/gelf": {"address": "127.0.0.1:{{port}}", "enable_tcp": true}
            """));
        telemetry.CreateLogger("Cuttle").LogInformation("over tcp");
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new List<byte>();
        var one = new byte[1];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await stream.ReadAsync(one, cts.Token) == 1 && one[0] != 0) buffer.Add(one[0]);
        var json = Encoding.UTF8.GetString(buffer.ToArray());
        Assert.Contains("\"short_message\":\"over tcp\"", json);
        Assert.DoesNotContain("facility", json); // go-gelf's TCP writer never sets it
        telemetry.Dispose();
    }

    [Fact]
    public async Task Syslog_WritesLogSyslogFrames_ToTheUnixDatagramSocket()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cuttle-syslog-{Guid.NewGuid():N}.sock");
        using var server = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            var telemetry = new TelemetryLogging(NullLoggerFactory.Instance, new MemoryStream(), TextWriter.Null, Clock, path);
            telemetry.Apply(Config("""
                "telemetry/logging": {"level": "WARNING", "syslog": true, "prefix": "[KRAKEND]", "syslog_facility": "local0"}
                """));
            telemetry.CreateLogger("Cuttle").LogError("disk full");
            var buffer = new byte[4096];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var n = await server.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            // local0 (16) << 3 | warning (4): log/syslog's priority is the configured level's, for every message.
            Assert.Equal($"<132>Dec  7 14:03:09 [KRAKEND][{Environment.ProcessId}]: ERROR > disk full\n", Encoding.UTF8.GetString(buffer, 0, n));
            telemetry.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnreachableDestinations_AreReportedOnceOnStderr_AndLoggingGoesOn()
    {
        var stderr = new StringWriter();
        var stdout = new MemoryStream();
        var telemetry = new TelemetryLogging(NullLoggerFactory.Instance, stdout, TextWriter.Synchronized(stderr), Clock,
            Path.Combine(Path.GetTempPath(), "no-such-syslog.sock"));
        telemetry.Apply(Config("""
            "telemetry/logging": {"level": "INFO", "stdout": true, "syslog": true}, "telemetry/gelf": {"address": "127.0.0.1:1", "enable_tcp": true}
            """));
        var logger = telemetry.CreateLogger("Cuttle");
        for (var i = 0; i < 50; i++) logger.LogInformation("still here {I}", i);
        telemetry.Dispose();

        var errors = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(errors, e => e.StartsWith("telemetry/gelf tcp://127.0.0.1:1: cannot connect", StringComparison.Ordinal));
        Assert.Single(errors, e => e.StartsWith("telemetry/logging syslog: cannot connect", StringComparison.Ordinal));
        Assert.Equal(50, Text(stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    /// <summary>UDP sockets of the whole host connected to <paramref name="port"/> (other tests' sockets do not count).</summary>
    private static int UdpSocketsTo(int port)
    {
        var hex = ":" + port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        var n = 0;
        foreach (var file in new[] { "/proc/self/net/udp", "/proc/self/net/udp6" })
        {
            if (!File.Exists(file)) continue;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 2 && fields[2].EndsWith(hex, StringComparison.Ordinal)) n++;
            }
        }
        return n;
    }

    [Fact]
    public void TwoHundredReloads_ReuseOrCloseTheSockets()
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var telemetry = new TelemetryLogging(NullLoggerFactory.Instance, new MemoryStream(), TextWriter.Null, Clock, null);
        for (var i = 0; i < 200; i++)
        {
            // Alternate two levels so every reload builds a new setup (and a new GELF socket).
            telemetry.Apply(Config($$"""
                "telemetry/logging": {"level": "{{(i % 2 == 0 ? "INFO" : "DEBUG")}}"}, "telemetry/gelf": {"address": "127.0.0.1:{{port}}"}
                """));
            telemetry.CreateLogger("Cuttle").LogInformation("reload {I}", i);
        }
        // The pump connects the live setup's socket on its first send, on its own thread, while the old ones close on
        // theirs: wait for exactly one, held over several reads (a single read can fall between an old socket closing
        // and the new one connecting).
        Assert.Equal(1, SettledUdpSocketsTo(port, 1)); // the live setup's socket, and none of the 199 before it
        telemetry.Apply(Config("\"router\": {}"));
        Assert.Equal(0, SettledUdpSocketsTo(port, 0));
        telemetry.Dispose();
    }

    /// <summary>The UDP sockets to <paramref name="port"/> once the count has read <paramref name="expected"/> five times running (or after 5 s, the last count).</summary>
    private static int SettledUdpSocketsTo(int port, int expected)
    {
        var until = DateTime.UtcNow.AddSeconds(5);
        int count, run = 0;
        while (true)
        {
            count = UdpSocketsTo(port);
            run = count == expected ? run + 1 : 0;
            if (run == 5 || DateTime.UtcNow >= until) return count;
            Thread.Sleep(20);
        }
    }
}
