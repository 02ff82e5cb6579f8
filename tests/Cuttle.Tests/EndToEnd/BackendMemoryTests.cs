using System.Globalization;
using System.Net;
using Cuttle.Testing;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>What a backend declares must not decide how much memory the gateway takes: only what it sends may.</summary>
public sealed class BackendMemoryTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-memory-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Fifty_answers_declaring_67_MB_and_sending_six_bytes_leave_a_384_MB_gateway_serving_others()
    {
        const int Liars = 50;
        var headsSent = 0;
        var allHeadsSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var liar = new RawServer(async (c, _) =>
        {
            if (await c.ReadRequestLineAsync() is null) return;
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 67000000\r\n\r\n{\"a\":1");
            if (Interlocked.Increment(ref headsSent) == Liars) allHeadsSent.TrySetResult();
            await release.Task; // then hang up: the body never comes
        });
        await using var healthy = await FakeBackend.JsonAsync("""{"ok":true}""");
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, $$"""
            { "version": 3, "timeout": "5s", "endpoints": [
              { "endpoint": "/big", "backend": [ { "host": ["{{liar.Url}}"], "url_pattern": "/big" } ] },
              { "endpoint": "/healthy", "backend": [ { "host": ["{{healthy.Url}}"], "url_pattern": "/" } ] } ] }
            """);
        var port = TestPorts.Closed();
        var environment = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x18000000" }; // 384 MB
        await using var gateway = CuttleProcess.Start(_dir, environment, "run", "-c", path, "-p", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(await gateway.WaitForBodyAsync($"http://127.0.0.1:{port}/healthy", "ok", TimeSpan.FromSeconds(20)), gateway.Output);

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var big = Enumerable.Range(0, Liars).Select(_ => client.GetAsync("/big")).ToArray();
        await allHeadsSent.Task.WaitAsync(TimeSpan.FromSeconds(5));
        // Every liar's head is out and its connection held open: the healthy endpoint is hit while they all wait.
        var ok = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            try { return (await client.GetAsync("/healthy")).StatusCode; }
            catch (HttpRequestException) { return (HttpStatusCode)0; }
        }));
        release.SetResult();
        foreach (var answer in big)
        {
            try { (await answer).Dispose(); } catch (HttpRequestException) { }
        }

        Assert.All(ok, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.False(gateway.HasExited, gateway.Output);
        Assert.DoesNotContain("OutOfMemoryException", gateway.Output, StringComparison.Ordinal);
    }
}
