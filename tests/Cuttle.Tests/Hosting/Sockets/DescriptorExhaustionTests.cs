using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Cuttle.Tests.Support;
using Xunit.Abstractions;

namespace Cuttle.Tests.Hosting.Sockets;

/// <summary>
/// `cuttle run` out of file descriptors: connections wait in the listen backlog, accept() fails with EMFILE. The
/// listener must back off (Go's http.Server) rather than spin on the readable socket, and serve again once clients
/// leave. Runs alone: the CPU time it measures must not compete with other tests for the cores.
/// </summary>
[Collection(nameof(ProcessWideMeasurements))]
public sealed class DescriptorExhaustionTests(ITestOutputHelper output) : IDisposable
{
    private const int DescriptorLimit = 256;
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-emfile-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("")]
    [InlineData("kestrel")]
    public async Task Accept_backs_off_while_descriptors_are_exhausted_and_serves_again_when_they_free_up(string transport)
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, """{ "version": 3, "endpoints": [] }""");
        var port = TestPorts.Closed();
        // As on a 16-core machine: the runtime keeps more open, and more threads serve the accepted connections while
        // the table fills (one that loads an assembly then, with no descriptor left, aborts the process).
        var environment = new Dictionary<string, string> { ["CUTTLE_SOCKET_TRANSPORT"] = transport, ["DOTNET_PROCESSOR_COUNT"] = "16" };
        await using var process = CuttleProcess.StartWithDescriptorLimit(_dir, DescriptorLimit, environment,
            "run", "-c", path, "-p", port.ToString(CultureInfo.InvariantCulture));
        var health = $"http://127.0.0.1:{port}/__health";
        Assert.True(await process.WaitForBodyAsync(health, "\"status\":\"ok\"", TimeSpan.FromSeconds(30)), process.Output);

        var clients = new List<Socket>();
        try
        {
            // More connections than the gateway has descriptors: the kernel completes them all (the backlog holds 512),
            // the gateway accepts until its table is full and then fails every accept.
            for (var i = 0; i < DescriptorLimit + 100; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(s);
                try
                {
                    await s.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (SocketException e)
                {
                    Assert.Fail($"connection {i} failed ({e.SocketErrorCode}); the gateway {(process.HasExited ? "exited" : "runs")}\n{process.Output}");
                }
            }
            // Exhausted: the gateway says so, or (without its descriptor reserve) its table is full.
            Assert.True(await WaitUntilAsync(() => process.Output.Contains("accept failed (", StringComparison.Ordinal)
                    || OpenDescriptors(process.Id) >= DescriptorLimit - 2, TimeSpan.FromSeconds(20)),
                $"the gateway has {OpenDescriptors(process.Id)} descriptors open\n{process.Output}");

            // Two seconds of exhaustion. Spinning costs a whole core (about 2 s of CPU here); backing off, a few
            // milliseconds: half a second is far from both.
            var cpuBefore = CpuSeconds(process);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var cpu = CpuSeconds(process) - cpuBefore;
            output.WriteLine($"{cpu:0.00} s of CPU in 2 s of descriptor exhaustion");
            Assert.False(process.HasExited, process.Output);
            Assert.True(cpu < 0.5, $"{cpu:0.00} s of CPU in 2 s of descriptor exhaustion\n{process.Output}");
        }
        finally
        {
            foreach (var s in clients) s.Dispose();
        }

        // Descriptors come back as the gateway sees the clients leave; the next accept (at most 1 s away) succeeds.
        Assert.True(await process.WaitForBodyAsync(health, "\"status\":\"ok\"", TimeSpan.FromSeconds(20)), process.Output);
        Assert.Contains("accept failed (TooManyOpenSockets", process.Output, StringComparison.Ordinal);
    }

    private static int OpenDescriptors(int pid)
    {
        try { return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length; }
        catch (IOException) { return 0; }
        catch (UnauthorizedAccessException) { return 0; }
    }

    /// <summary>User plus system CPU time of a process, from /proc/PID/stat (fields 14 and 15, in clock ticks).</summary>
    private static double CpuSeconds(CuttleProcess process)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{process.Id}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process is gone: the assertion message must say why (its output), not that /proc has no entry.
            Assert.Fail($"the gateway exited during descriptor exhaustion (exit {(process.HasExited ? process.ExitCode.ToString(CultureInfo.InvariantCulture) : "?")})\n{process.Output}");
            throw;
        }
        // Fields after the command name, which is in parentheses and may contain spaces: [0] is field 3 (state).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (condition()) return true;
            await Task.Delay(50);
        }
        return condition();
    }
}
