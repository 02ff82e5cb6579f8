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
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_mergeTimeout);
        var pending = new List<Task<ProxyResult>>(backends.Length);
        foreach (var b in backends) pending.Add(b.InvokeAsync(request, cts.Token).AsTask());

        Dictionary<string, object?>? data = null;
        var complete = true;
        List<ProxyError>? errors = null;
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            var (response, error) = await done.ConfigureAwait(false);
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
}
