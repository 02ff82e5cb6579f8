using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>Endpoint-level flatmap_filter, applied to the merged data (lura NewFlatmapMiddleware).</summary>
internal sealed class EndpointFlatmapProxy(IProxy inner, FlatmapFilter filter) : IProxy
{
    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken ct)
    {
        var (response, error) = await inner.InvokeAsync(request, ct).ConfigureAwait(false);
        if (response is null) return new ProxyResult(null, error);
        var filtered = new ProxyResponse(filter.Apply(response.Data), response.IsComplete);
        return new ProxyResult(filtered, error);
    }
}
