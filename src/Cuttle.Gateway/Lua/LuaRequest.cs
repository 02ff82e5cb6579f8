using System.Text;
using Cuttle.Gateway.Data;
using Cuttle.Go;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// The mutable request a Lua script sees (krakend-lua proxy.ProxyRequest over lura's proxy.Request): a copy of the
/// incoming <see cref="ProxyRequest"/>, turned back into one by <see cref="ToProxyRequest"/> once the script ran.
/// Params are keyed as lura keys them: the endpoint's names with the first letter upper-cased.
/// </summary>
internal sealed class LuaRequest
{
    private readonly ProxyRequest _source;
    private readonly string[] _paramNames;

    public LuaRequest(ProxyRequest source, string[] paramNames, string url, string path)
    {
        _source = source;
        _paramNames = paramNames;
        Method = source.BackendMethod ?? source.Method;
        Url = url;
        Path = path;
        Headers = new List<KeyValuePair<string, StringValues>>(source.Headers);
        Query = new List<KeyValuePair<string, StringValues>>(source.Query);
        Params = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < paramNames.Length && i < source.Params.Length; i++) Params[paramNames[i]] = source.Params[i];
        if (source.SequentialParams is { } seq)
        {
            foreach (var (k, v) in seq)
            {
                if (char.IsUpper(k[0])) Params[k] = v;
            }
        }
        Body = source.BufferedBody;
    }

    public string Method { get; set; }
    public string Url { get; set; }
    public bool UrlChanged { get; set; }
    public string Path { get; set; }
    public List<KeyValuePair<string, StringValues>> Headers { get; }
    public List<KeyValuePair<string, StringValues>> Query { get; private set; }
    public Dictionary<string, string> Params { get; }
    public byte[]? Body { get; set; }

    /// <summary>lura capitalises param names (strings.Title of the first letter).</summary>
    public static string ParamKey(string name) => name.Length == 0 || char.IsUpper(name[0]) ? name : char.ToUpperInvariant(name[0]) + name[1..];

    public string? Header(string name)
    {
        foreach (var (k, v) in Headers)
        {
            if (k.Equals(name, StringComparison.OrdinalIgnoreCase)) return v.Count == 0 ? "" : v[0] ?? "";
        }
        return null;
    }

    public void SetHeader(string name, string? value)
    {
        var key = HeaderKey.Canonicalize(name);
        Headers.RemoveAll(h => h.Key.Equals(key, StringComparison.OrdinalIgnoreCase));
        if (value is not null) Headers.Add(new(key, value));
    }

    public string EncodedQuery()
    {
        var sb = new StringBuilder();
        foreach (var (key, values) in Query)
        {
            foreach (var v in values)
            {
                if (sb.Length > 0) sb.Append('&');
                GoUrl.AppendQueryEscaped(sb, key);
                sb.Append('=');
                GoUrl.AppendQueryEscaped(sb, v ?? "");
            }
        }
        return sb.ToString();
    }

    public void SetQuery(string raw)
    {
        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(raw);
        var list = new List<KeyValuePair<string, StringValues>>(parsed.Count);
        foreach (var kv in parsed) list.Add(kv);
        list.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        Query = list;
    }

    public ProxyRequest ToProxyRequest()
    {
        var parameters = (string[])_source.Params.Clone();
        Dictionary<string, string>? seq = _source.SequentialParams is null ? null : new(_source.SequentialParams, StringComparer.Ordinal);
        foreach (var (k, v) in Params)
        {
            var index = Array.IndexOf(_paramNames, k);
            if (index >= 0 && index < parameters.Length) parameters[index] = v;
            else (seq ??= new Dictionary<string, string>(StringComparer.Ordinal))[k] = v;
        }
        return new ProxyRequest
        {
            Method = _source.Method,
            BackendMethod = Method == _source.Method && _source.BackendMethod is null ? null : Method,
            BackendUrl = UrlChanged ? Url : _source.BackendUrl,
            Params = parameters,
            Headers = Headers,
            Query = Query,
            Body = Body is null ? _source.Body : null,
            BufferedBody = Body,
            ForwardedContentLength = ReferenceEquals(Body, _source.BufferedBody) ? _source.ForwardedContentLength : Body?.Length,
            SequentialParams = seq,
            Scope = _source.Scope,
            Trace = _source.Trace,
        };
    }
}
