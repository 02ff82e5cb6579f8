using Cuttle.Watch.Processes;
using Cuttle.Watch.Tests.Support;

namespace Cuttle.Watch.Tests.Processes;

/// <summary>Counts this process's fds and threads, so it must not share the process with other tests running at the same time.</summary>
[Collection(SerialCollection.Name)]
public sealed class ChildProcessLeakTests
{
    private static ChildProcess Start(string script) => ChildProcess.Start(["sh", "-c", script], _ => { });

    private static Task<int> StopAsync(ChildProcess p) => p.StopAsync(Signals.SIGINT, TimeSpan.FromMilliseconds(200), _ => { }, TimeProvider.System);

    [Fact]
    public async Task ManyRestarts_DoNotGrowFileDescriptorsOrThreads()
    {
        for (var i = 0; i < 20; i++)
        {
            await RestartOnce();
        }

        var fds = Directory.GetFiles("/proc/self/fd").Length;
        var pipes = PipeCount();
        var threads = Directory.GetDirectories("/proc/self/task").Length;
        for (var i = 0; i < 200; i++)
        {
            await RestartOnce();
        }

        // Small slack: the test host itself and the thread pool may move a little while we measure.
        Assert.InRange(Directory.GetFiles("/proc/self/fd").Length, 0, fds + 4);
        Assert.InRange(PipeCount(), 0, pipes);
        Assert.InRange(Directory.GetDirectories("/proc/self/task").Length, 0, threads + 6);

        static int PipeCount()
        {
            var count = 0;
            foreach (var fd in Directory.GetFiles("/proc/self/fd"))
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget?.StartsWith("pipe:", StringComparison.Ordinal) == true)
                    {
                        count++;
                    }
                }
                catch (IOException)
                {
                }
            }

            return count;
        }

        async Task RestartOnce()
        {
            var p = Start("echo hi; exec sleep 1000");
            await StopAsync(p);
            await p.DisposeAsync();
        }
    }
}
