using System.Text;
using System.Text.Json;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// lura's sequential merger (proxy.sequential: true): backends run in order; a later url_pattern may use
/// <c>{respN_field.path}</c> from backend N's filtered data (arrays joined with ","). Backend 0 failing fails the
/// request; a later failure stops the chain and returns the partial, incomplete result.
/// </summary>
internal sealed class SequentialProxy(IProxy[] backends, string[][] sequentialKeys, TimeSpan timeout, string[][]? propagated = null,
    TimeProvider? time = null) : IProxy
{
    private readonly TimeSpan _mergeTimeout = timeout * 0.85;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken ct)
    {
        using var cts = PooledTimeout.Start(_mergeTimeout, ct, _time);
        Dictionary<string, object?>? data = null;
        var complete = true;
        ProxyError? error = null;
        for (var i = 0; i < backends.Length; i++)
        {
            var (response, err) = await backends[i].InvokeAsync(request, cts.Token).ConfigureAwait(false);
            if (i == 0 && response is null) return ProxyResult.Fail(err ?? new ProxyError("first backend failed"));
            if (response is null || err is not null)
            {
                error = err;
                complete = false;
                if (response is not null) Merge(ref data, response.Data);
                break;
            }
            if (!response.IsComplete) complete = false;
            Merge(ref data, response.Data);
            // Expose the params later backends ask for, read from this backend's (filtered) data.
            foreach (var key in sequentialKeys[i])
            {
                var value = Lookup(response.Data, key);
                if (value is null) continue;
                (request.SequentialParams ??= new Dictionary<string, string>(StringComparer.Ordinal))[$"resp{i}_{key}"] = value;
            }
            if (propagated is not null) Propagate(request, i, response, propagated[i]);
            if (!complete) break;
        }
        return new ProxyResult(new ProxyResponse(data ?? DataTree.NewMap(), complete), error);
    }

    /// <summary>
    /// lura sequential_propagated_params: "respN_a.b" exposes backend N's value at a.b as the request param
    /// "RespN_a.b" (lura title-cases param names); a bare "respN" is backend N's raw body (a no-op backend's Io).
    /// </summary>
    private static void Propagate(ProxyRequest request, int index, ProxyResponse response, string[] paths)
    {
        foreach (var path in paths)
        {
            string? value;
            string key;
            if (path.Length == 0)
            {
                key = $"Resp{index}";
                value = response.RawBody is { } raw ? Encoding.UTF8.GetString(raw) : null;
            }
            else
            {
                key = $"Resp{index}_{path}";
                value = Lookup(response.Data, path);
            }
            if (value is null) continue;
            (request.SequentialParams ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = value;
        }
    }

    private static void Merge(ref Dictionary<string, object?>? data, Dictionary<string, object?> part)
    {
        if (data is null) { data = part; return; }
        foreach (var (k, v) in part) data[k] = v;
    }

    private static string? Lookup(Dictionary<string, object?> data, string path)
    {
        object? current = data;
        foreach (var segment in path.Split('.'))
        {
            var map = DataTree.AsMap(current);
            if (map is null || !map.TryGetValue(segment, out current)) return null;
        }
        return Format(current);
    }

    private static string? Format(object? value)
    {
        value = DataTree.Unwrap(value);
        switch (value)
        {
            case null: return null;
            case string s: return s;
            case RawNumber n: return n.Text;
            case bool b: return b ? "true" : "false";
            case int i: return i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case JsonElement { ValueKind: JsonValueKind.Array } or List<object?>:
                var list = DataTree.AsList(value)!;
                var sb = new StringBuilder();
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(Format(list[i]));
                }
                return sb.ToString();
            default: return value.ToString();
        }
    }
}
