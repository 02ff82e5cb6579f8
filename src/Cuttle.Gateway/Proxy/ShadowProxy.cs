using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// lura proxy/shadow.go: the endpoint's shadow backends (backend <c>extra_config.proxy.shadow: true</c>) get a copy of
/// the request, body included, on their own stack, under their own timeout (the longest shadow_timeout, else the
/// endpoint timeout) and not under the client's: the client never waits for them, their answer is discarded, and
/// they are no part of the merge. The regular stack answers as if they did not exist.
/// </summary>
internal sealed class ShadowProxy(IProxy regular, IProxy shadow, TimeSpan timeout, TimeProvider time) : IProxy
{
    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
    {
        // lura CloneRequest reads the body once so both sides get all of it.
        var body = request.Body is null ? request.BufferedBody : await request.BufferBodyAsync(cancellationToken).ConfigureAwait(false);
        var copy = new ProxyRequest
        {
            Method = request.Method,
            Params = (string[])request.Params.Clone(),
            Headers = [.. request.Headers],
            Query = [.. request.Query],
            BufferedBody = body is null ? null : (byte[])body.Clone(), // the client's request may return its buffer to a pool first
            ForwardedContentLength = request.ForwardedContentLength,
            SequentialParams = request.SequentialParams is { } sp ? new Dictionary<string, string>(sp, sp.Comparer) : null,
            BackendUrl = request.BackendUrl,
            BackendMethod = request.BackendMethod,
            Scope = new RequestScope(),
        };
        _ = Task.Run(() => RunShadowAsync(copy), CancellationToken.None);
        return await regular.InvokeAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunShadowAsync(ProxyRequest copy)
    {
        using var scope = copy.Scope;
        using var cts = new CancellationTokenSource(timeout, time);
        try
        {
            await shadow.InvokeAsync(copy, cts.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the shadow's outcome, failure included, is discarded by design (lura ignores it)
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}

/// <summary>An endpoint whose backends are all shadows: lura's factory fails (no backends) and CE answers every request 500.</summary>
internal sealed class NoRegularBackendProxy : IProxy
{
    public static readonly NoRegularBackendProxy Instance = new();

    public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ProxyResult.Fail(new ProxyError("all the backends of the endpoint are shadow backends: no backend answers")));
}
