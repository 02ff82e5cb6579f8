using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// lura's parallel merger: every backend is called at once; parts are combined in arrival order (a shallow key
/// merge, later arrivals overwrite); the whole waits at most 85% of the endpoint timeout. A failed part contributes
/// nothing and makes the result incomplete; no successful part at all is a failure.
/// </summary>
internal sealed class MergeProxy(IProxy[] backends, TimeSpan timeout) : IProxy
{
    // lura proxy/merging.go: time.Duration(85 * timeout / 100)
    private readonly TimeSpan _mergeTimeout = timeout * 0.85;

    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken ct)
    {
        using var cts = PooledTimeout.Start(_mergeTimeout, ct);
        var order = new int[1];
        var parts = new Task<(ProxyResult Result, int Arrival)>[backends.Length];
        for (var i = 0; i < parts.Length; i++) parts[i] = Call(backends[i], request, cts.Token, order);

        // Wait for all, then combine in arrival order: equivalent to lura's select loop, without a WhenAny per part.
        var results = new (ProxyResult Result, int Arrival)[parts.Length];
        for (var i = 0; i < parts.Length; i++) results[i] = await parts[i].ConfigureAwait(false);
        Array.Sort(results, static (a, b) => a.Arrival.CompareTo(b.Arrival));

        Dictionary<string, object?>? data = null;
        var complete = true;
        List<ProxyError>? errors = null;
        foreach (var ((response, error), _) in results)
        {
            if (error is not null) (errors ??= []).Add(error);
            if (response is null) { complete = false; continue; }
            if (!response.IsComplete) complete = false;
            if (data is null) data = response.Data;
            else foreach (var (k, v) in response.Data) data[k] = v;
        }
        if (errors is not null) complete = false;
        if (data is null) return ProxyResult.Fail(errors is null ? new ProxyError("no backend answered") : ProxyError.Combine(errors));
        return new ProxyResult(new ProxyResponse(data, complete), errors is null ? null : ProxyError.Combine(errors));
    }

    private static async Task<(ProxyResult, int)> Call(IProxy backend, ProxyRequest request, CancellationToken ct, int[] order)
    {
        var result = await backend.InvokeAsync(request, ct).ConfigureAwait(false);
        return (result, Interlocked.Increment(ref order[0]));
    }
}
