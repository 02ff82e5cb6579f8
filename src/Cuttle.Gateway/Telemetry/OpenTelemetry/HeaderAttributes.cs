using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Cuttle.Go;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>
/// A layer's report_headers: every request and response header as a span attribute, as krakend-otel v0.14.4 records
/// them (http/server/traces.go, lura/proxy_tracer.go, http/client/transport_traces.go): named
/// "http.request.header.&lt;name&gt;" / "http.response.header.&lt;name&gt;" with the name lower-cased, the value the
/// header's list of values (a string slice), and the layer's skip_headers left out. KrakenD canonicalises the skip
/// list (textproto.CanonicalMIMEHeaderKey) and compares it with Go's canonical header keys, so "authorization" and
/// "Authorization" skip the same header. Built once per layer, only when report_headers is on: a layer without it
/// holds null and pays nothing.
/// </summary>
internal sealed class HeaderAttributes
{
    private readonly HashSet<string> _skip;

    // Attribute names per header name: a bounded cache, so a steady header set costs no string per span.
    private readonly ConcurrentDictionary<string, string> _requestNames = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _responseNames = new(StringComparer.Ordinal);
    private const int MaxCachedNames = 256;

    private HeaderAttributes(ImmutableArray<string> skip)
    {
        _skip = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in skip) _skip.Add(HeaderKey.Canonicalize(name));
    }

    /// <summary>The layer's reporter, or null when report_headers is off.</summary>
    public static HeaderAttributes? For(bool reportHeaders, ImmutableArray<string> skipHeaders) =>
        reportHeaders ? new HeaderAttributes(skipHeaders.IsDefault ? [] : skipHeaders) : null;

    private bool Skipped(string name) => _skip.Count > 0 && _skip.Contains(HeaderKey.Canonicalize(name));

    /// <summary>The client's request headers (global layer).</summary>
    public void Request(Activity activity, IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
            if (!Skipped(name)) activity.SetTag(Name(_requestNames, "http.request.header.", name), Values(values));
    }

    /// <summary>The headers a proxy stage passes on, or a backend request sends (only those its filter lets through).</summary>
    public void Request(Activity activity, List<KeyValuePair<string, StringValues>> headers, HashSet<string>? filter = null)
    {
        foreach (var (name, values) in headers)
        {
            if (filter is not null && !filter.Contains(name)) continue;
            if (!Skipped(name)) activity.SetTag(Name(_requestNames, "http.request.header.", name), Values(values));
        }
    }

    /// <summary>The response headers sent to the client, or a backend response's (global layer, backend request).</summary>
    public void Response(Activity activity, IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
            if (!Skipped(name)) activity.SetTag(Name(_responseNames, "http.response.header.", name), Values(values));
    }

    /// <summary>A proxy stage's response metadata headers (lura's Response.Metadata.Headers).</summary>
    public void Response(Activity activity, List<KeyValuePair<string, string[]>>? headers)
    {
        if (headers is null) return;
        foreach (var (name, values) in headers)
            if (!Skipped(name)) activity.SetTag(Name(_responseNames, "http.response.header.", name), values);
    }

    private static string?[] Values(StringValues values) => values.Count == 1 ? [values[0]] : values.ToArray();

    private static string Name(ConcurrentDictionary<string, string> cache, string prefix, string header)
    {
        if (cache.TryGetValue(header, out var name)) return name;
        name = prefix + header.ToLowerInvariant();
        if (cache.Count < MaxCachedNames) cache.TryAdd(header, name);
        return name;
    }
}
