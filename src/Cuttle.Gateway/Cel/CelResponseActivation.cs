using Cuttle.Gateway.Cel.Language;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Cel;

/// <summary>
/// krakend-cel newRespActivation over lura's proxy.Response: resp_completed, resp_metadata_status (the backend's
/// status; a decoded response means 200), resp_metadata_headers, resp_data, and now.
/// </summary>
internal sealed class CelResponseActivation(ProxyResponse response, TimeProvider time) : CelActivation
{
    private Dictionary<string, object?>? _headers;

    public override object? Resolve(CelVariable variable) => variable switch
    {
        CelVariable.RespCompleted => response.IsComplete,
        CelVariable.RespMetadataStatus => (long)(response.StatusCode == 0 ? 200 : response.StatusCode),
        CelVariable.RespMetadataHeaders => _headers ??= Headers(),
        CelVariable.RespData => response.Data,
        CelVariable.Now => CelClock.Now(time),
        _ => Unbound(variable),
    };

    private Dictionary<string, object?> Headers()
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (response.Headers is not null) foreach (var (k, v) in response.Headers) map[k] = v;
        return map;
    }
}
