using System.Buffers;
using System.Runtime.CompilerServices;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// lura's parallel merger: every backend is called at once; parts are combined in arrival order (a shallow key
/// merge, later arrivals overwrite); the whole waits at most 85% of the endpoint timeout. A failed part contributes
/// nothing and makes the result incomplete; no successful part at all is a failure.
/// </summary>
internal sealed class MergeProxy(IProxy[] backends, TimeSpan timeout, TimeProvider? time = null) : IProxy
{
    // lura proxy/merging.go: time.Duration(85 * timeout / 100)
    private readonly TimeSpan _mergeTimeout = timeout * 0.85;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private static readonly Comparison<(ProxyResult Result, int Arrival)> ByArrival = static (a, b) => a.Arrival.CompareTo(b.Arrival);

    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken ct)
    {
        using var cts = PooledTimeout.Start(_mergeTimeout, ct, _time);
        var n = backends.Length;
        var order = new StrongBox<int>();
        // Pooled arrays: a merge otherwise allocates both per request, on top of what its backends allocate.
        var parts = ArrayPool<ValueTask<(ProxyResult, int)>>.Shared.Rent(n);
        var results = ArrayPool<(ProxyResult Result, int Arrival)>.Shared.Rent(n);
        try
        {
            for (var i = 0; i < n; i++) parts[i] = Call(backends[i], request, cts.Token, order);
            // Wait for all, then combine in arrival order: equivalent to lura's select loop, without a WhenAny per part.
            for (var i = 0; i < n; i++) results[i] = await parts[i].ConfigureAwait(false);
            results.AsSpan(0, n).Sort(ByArrival);
            return Combine(results.AsSpan(0, n));
        }
        finally
        {
            Array.Clear(parts, 0, n);
            Array.Clear(results, 0, n);
            ArrayPool<ValueTask<(ProxyResult, int)>>.Shared.Return(parts);
            ArrayPool<(ProxyResult Result, int Arrival)>.Shared.Return(results);
        }
    }

    private static ProxyResult Combine(ReadOnlySpan<(ProxyResult Result, int Arrival)> results)
    {
        var complete = true;
        List<ProxyError>? errors = null;
        ProxyResponse? only = null;
        var answered = 0;
        var keys = 0;
        foreach (var ((response, error), _) in results)
        {
            if (error is not null) (errors ??= []).Add(error);
            if (response is null) { complete = false; continue; }
            if (!response.IsComplete) complete = false;
            only ??= response;
            answered++;
            keys += response.DataCount;
        }
        if (errors is not null) complete = false;
        if (only is null) return ProxyResult.Fail(errors is null ? new ProxyError("no backend answered") : ProxyError.Combine(errors));

        Dictionary<string, object?> data;
        if (answered == 1)
        {
            data = only.Data;
        }
        else
        {
            // One map sized for every part, filled in arrival order (a later part overwrites a key); a part still in its
            // JSON document is copied from there, so no map is made for it.
            data = DataTree.NewMap(keys);
            foreach (var ((response, _), _) in results)
            {
                if (response is null) continue;
                if (response.TryGetUntouchedObject(out var json)) DataTree.CopyProperties(json, data);
                else foreach (var (k, v) in response.Data) data[k] = v;
            }
        }
        return new ProxyResult(new ProxyResponse(data, complete), errors is null ? null : ProxyError.Combine(errors));
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<(ProxyResult, int)> Call(IProxy backend, ProxyRequest request, CancellationToken ct, StrongBox<int> order)
    {
        var result = await backend.InvokeAsync(request, ct).ConfigureAwait(false);
        return (result, Interlocked.Increment(ref order.Value));
    }
}
