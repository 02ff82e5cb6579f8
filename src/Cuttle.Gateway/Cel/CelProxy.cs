using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Diagnostics;
using Cuttle.Gateway.Proxy;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Cel;

/// <summary>
/// validation/cel around an endpoint's proxy stack or one backend (krakend-cel newProxy): the pre checks run on the
/// request before the next layer, the post checks on its response. A failing check turns the call into the error
/// "request aborted by evaluator #i" with no response: the endpoint answers 500 (with the text when
/// router.return_error_msg), a backend just fails and the merge keeps the others (an incomplete response).
/// </summary>
internal sealed partial class CelProxy(IProxy next, CelCheckSet checks, string[] paramNames, UrlTemplate? backendPath,
    TimeProvider time, string name, ILogger logger) : IProxy
{
    private static readonly ProxyError[] Aborted = Errors(16);

    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
    {
        if (checks.Pre.Length > 0)
        {
            var failed = CelCheckSet.FirstFailure(checks.Pre, new CelRequestActivation(request, paramNames, backendPath, time));
            if (failed >= 0) return Reject(failed, "pre");
        }
        var result = await next.InvokeAsync(request, cancellationToken).ConfigureAwait(false);
        // lura: a delegated error is returned untouched, the post checks only see successful responses.
        if (checks.Post.Length == 0 || result.Error is not null || result.Response is null) return result;
        var postFailed = CelCheckSet.FirstFailure(checks.Post, new CelResponseActivation(result.Response, time));
        return postFailed >= 0 ? Reject(postFailed, "post") : result;
    }

    private ProxyResult Reject(int index, string phase)
    {
        Log.Rejected(logger, name, phase, index);
        return ProxyResult.Fail(index < Aborted.Length ? Aborted[index] : new ProxyError($"request aborted by evaluator #{index}"));
    }

    private static ProxyError[] Errors(int count)
    {
        var errors = new ProxyError[count];
        for (var i = 0; i < count; i++) errors[i] = new ProxyError($"request aborted by evaluator #{i}");
        return errors;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.CelRejected, Level = LogLevel.Information, Message = "{Name}[CEL][{Phase}] Evaluator #{Index} rejected the request")]
        public static partial void Rejected(ILogger logger, string name, string phase, int index);
    }
}
