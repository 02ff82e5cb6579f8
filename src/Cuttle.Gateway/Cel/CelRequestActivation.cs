using System.Text;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Cel.Language;
using Cuttle.Gateway.Data;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Cel;

/// <summary>
/// krakend-cel newReqActivation over lura's proxy.Request: req_method, req_path, req_params (names title-cased as
/// lura's NewRequest stores them: "id" → "Id"), req_headers and req_querystring (maps of lists), and now. Maps are
/// built on first use only. req_path is empty at endpoint level (lura's NewRequest sets no path) and the backend
/// path from url_pattern at backend level (set by the request-builder middleware before the backend CEL runs).
/// </summary>
internal sealed class CelRequestActivation(ProxyRequest request, string[] paramNames, UrlTemplate? backendPath, TimeProvider time) : CelActivation
{
    private Dictionary<string, object?>? _params;
    private Dictionary<string, object?>? _headers;
    private Dictionary<string, object?>? _query;
    private string? _path;
    private string? _now;

    public override object? Resolve(CelVariable variable) => variable switch
    {
        CelVariable.ReqMethod => request.Method,
        CelVariable.ReqPath => _path ??= Path(),
        CelVariable.ReqParams => _params ??= Params(),
        CelVariable.ReqHeaders => _headers ??= Lists(request.Headers),
        CelVariable.ReqQuerystring => _query ??= Lists(request.Query),
        CelVariable.Now => _now ??= CelClock.Now(time),
        _ => Unbound(variable),
    };

    private string Path()
    {
        if (backendPath is null) return "";
        var sb = new StringBuilder();
        backendPath.AppendPath(sb, request);
        return sb.ToString();
    }

    private Dictionary<string, object?> Params()
    {
        var map = new Dictionary<string, object?>(paramNames.Length, StringComparer.Ordinal);
        for (var i = 0; i < paramNames.Length && i < request.Params.Length; i++) map[paramNames[i]] = request.Params[i];
        return map;
    }

    private static Dictionary<string, object?> Lists(List<KeyValuePair<string, StringValues>> values)
    {
        var map = new Dictionary<string, object?>(values.Count, StringComparer.Ordinal);
        foreach (var (k, v) in values) map[k] = v.ToArray();
        return map;
    }
}
