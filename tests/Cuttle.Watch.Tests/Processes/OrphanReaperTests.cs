using Cuttle.Watch.Processes;
using Cuttle.Watch.Tests.Support;

namespace Cuttle.Watch.Tests.Processes;

/// <summary>Makes the test process a child subreaper, so it runs alone.</summary>
[Collection(SerialCollection.Name)]
public sealed class OrphanReaperTests
{
    [Fact]
    public async Task OrphanedGrandchild_IsReparentedToUs_AndReaped()
    {
        Assert.True(Native.BecomeChildSubreaper());
        var lines = new List<string>();
        await using var p = ChildProcess.Start(["sh", "-c", "sleep 0.2 & echo $!"], l =>
        {
            lock (lines)
            {
                lines.Add(l);
            }
        });
        Assert.Equal(0, await p.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
        await Poll.UntilAsync(() => { lock (lines) { return lines.Count == 1; } }, "grandchild pid printed");
        var orphan = int.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture);

        await Poll.UntilAsync(() => ProcessTable.TryReadStat(orphan, out var e) && e.ParentPid == Environment.ProcessId && e.State == 'Z', "orphan is our zombie");
        Assert.Equal(1, OrphanReaper.ReapOnce());
        Assert.False(ProcessTable.TryReadStat(orphan, out _));
    }
}
