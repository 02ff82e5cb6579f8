using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// proxy.static (lura proxy/static.go): after the inner proxy, merge fixed data when the strategy matches. When the
/// inner proxy failed outright, a response holding only the static data is created and the error is kept, so the
/// router renders 200 with X-Krakend-Completed: false.
/// </summary>
internal sealed class StaticProxy(IProxy inner, StaticResponseOptions options) : IProxy
{
    private readonly KeyValuePair<string, JsonElement>[] _data = Collect(options.Data);

    private static KeyValuePair<string, JsonElement>[] Collect(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object) return [];
        var list = new List<KeyValuePair<string, JsonElement>>();
        foreach (var p in data.EnumerateObject()) list.Add(new(p.Name, p.Value));
        return [.. list];
    }

    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken ct)
    {
        var (response, error) = await inner.InvokeAsync(request, ct).ConfigureAwait(false);
        var matches = options.Strategy switch
        {
            StaticStrategy.Always => true,
            StaticStrategy.Success => error is null,
            StaticStrategy.Errored => error is not null,
            StaticStrategy.Complete => error is null && response is { IsComplete: true },
            StaticStrategy.Incomplete => response is null || !response.IsComplete,
            _ => false,
        };
        if (!matches) return new ProxyResult(response, error);
        response ??= ProxyResponse.Empty(complete: false);
        foreach (var (k, v) in _data) response.Data[k] = v;
        return new ProxyResult(response, error);
    }
}
