using System.Diagnostics;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>
/// krakend-otel's proxy-stage middleware (lura/proxy.go), used for the "proxy" stage (around an endpoint's pipe) and
/// the "backend" stage (outermost of each backend's chain): a span named after the url pattern and
/// krakend.&lt;stage&gt;.duration with error, canceled and complete. Tags are built when the generation is.
/// </summary>
internal sealed class StageTelemetryProxy : IProxy
{
    private readonly IProxy _next;
    private readonly string _spanName;
    private readonly System.Diagnostics.Metrics.Histogram<double>? _duration;
    private readonly bool _traces;
    private readonly KeyValuePair<string, object?>[] _metricTags;
    private readonly KeyValuePair<string, object?>[] _traceTags;
    private readonly HeaderAttributes? _headers;

    public StageTelemetryProxy(IProxy next, string spanName, System.Diagnostics.Metrics.Histogram<double>? duration, bool traces,
        KeyValuePair<string, object?>[] metricTags, KeyValuePair<string, object?>[] traceTags, HeaderAttributes? headers = null)
    {
        _headers = headers;
        _next = next;
        _spanName = spanName;
        _duration = duration;
        _traces = traces;
        _metricTags = metricTags;
        _traceTags = traceTags;
    }

    public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
    {
        var activity = _traces ? TraceSampling.StartSpan(_spanName, ActivityKind.Internal, request.Trace) : null;
        var measure = _duration is { Enabled: true };
        if (activity is null && !measure) return _next.InvokeAsync(request, cancellationToken);
        return ObservedAsync(request, activity, cancellationToken);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ProxyResult> ObservedAsync(ProxyRequest request, Activity? activity, CancellationToken ct)
    {
        if (activity is { IsAllDataRequested: true })
        {
            foreach (var tag in _traceTags) activity.SetTag(tag.Key, tag.Value);
            _headers?.Request(activity, request.Headers);
        }
        var started = Stopwatch.GetTimestamp();
        ProxyResult result = default;
        var canceled = false;
        try
        {
            result = await _next.InvokeAsync(request, ct).ConfigureAwait(false);
            canceled = ct.IsCancellationRequested;
            return result;
        }
        catch (OperationCanceledException)
        {
            canceled = true;
            throw;
        }
        finally
        {
            var error = result.Error is not null && !canceled;
            var complete = result.Response is { IsComplete: true };
            if (_duration is { Enabled: true } duration)
            {
                var tags = new TagList(_metricTags.AsSpan())
                {
                    { "error", KrakendInstruments.Bool(error) },
                    { "canceled", KrakendInstruments.Bool(canceled) },
                    { "complete", KrakendInstruments.Bool(complete) },
                };
                duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
            if (activity is not null)
            {
                if (activity.IsAllDataRequested)
                {
                    if (canceled) activity.SetTag("canceled", KrakendInstruments.True);
                    else if (result.Error is { } e) activity.SetTag("error", e.Message);
                    activity.SetTag("http.response.status_code",
                        KrakendInstruments.Status(result.Error is not null || canceled ? 500 : result.Response?.StatusCode is > 0 and var s ? s : 200));
                    // lura/proxy_tracer.go: the response's metadata headers, only when the stage did not fail.
                    if (_headers is not null && result.Error is null && !canceled) _headers.Response(activity, result.Response?.Headers);
                    activity.SetTag("complete", KrakendInstruments.Bool(complete));
                }
                activity.Dispose();
            }
        }
    }
}
