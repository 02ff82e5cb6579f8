using System.Diagnostics;
using Cuttle.Config.Model;
using Cuttle.Gateway.Lua;

namespace Cuttle.Gateway.Tests.Lua;

/// <summary>
/// Runs alone: the first test measures how fast the thread pool answers while scripts spin, and other test classes
/// running beside it can occupy the pool themselves (it measured 950 ms once that way, none of it the scripts').
/// </summary>
[Collection(nameof(ProcessWideMeasurements))]
public sealed class LuaWorkersTests
{
    private static LuaScript Script(string pre) => LuaScript.Build(new LuaOptions { Namespace = "modifier/lua-backend", Pre = pre }, "backend /b of endpoint /e");

    [Fact]
    public async Task RunawayScripts_HoldOnlyTheLuaThreads_NotTheThreadPool()
    {
        var workers = new LuaWorkers(2);
        var script = Script("while true do end");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var runaways = new Task<LuaOutcome>[Environment.ProcessorCount * 3];
        for (var i = 0; i < runaways.Length; i++) runaways[i] = workers.RunAsync(new LuaCall(script, LuaStep.Pre, deadline.Token)).AsTask();
        await Task.Delay(100);

        // Work queued to the thread pool still runs at once while every script spins.
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++) await Task.Run(() => i);
        var poolLatency = clock.Elapsed;
        var outcomes = await Task.WhenAll(runaways).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(poolLatency < TimeSpan.FromMilliseconds(500), $"thread pool took {poolLatency.TotalMilliseconds} ms");
        Assert.All(outcomes, o => Assert.NotNull(o.Error));
        foreach (var o in outcomes) if (o.Engine is not null) LuaScript.Close(o.Engine);
    }

    [Fact]
    public async Task ACallWhoseTokenFiredWhileQueued_DoesNotStart()
    {
        var workers = new LuaWorkers(1);
        var script = Script("n = (n or 0) + 1");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var outcome = await workers.RunAsync(new LuaCall(script, LuaStep.Pre, cancelled.Token));

        Assert.Null(outcome.Engine);
        Assert.NotNull(outcome.Error);
    }

    [Fact]
    public async Task ContinuationsResumeOffTheLuaThreads()
    {
        var workers = new LuaWorkers(1);
        var script = Script("x = 1");

        var outcome = await workers.RunAsync(new LuaCall(script, LuaStep.Pre, CancellationToken.None));

        Assert.NotEqual("Lua worker", Thread.CurrentThread.Name);
        Assert.Null(outcome.Error);
        LuaScript.Close(outcome.Engine!);
    }
}
