using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Routing;

/// <summary>
/// gin's answers for a request no route serves, in gin's order: the trailing-slash redirect, then the fixed-path
/// (case and cleaning) redirect, then 405, then 404. They read the same route table the match did, so they live
/// beside it; the router options that switch each one off are decided once per generation.
/// </summary>
internal sealed class RouteFallback<T>(RouteTable<T> routes, RouterOptions router) where T : class
{
    private readonly string _versionHeader = router.HideVersionHeader ? ResponseHeaders.HiddenVersionValue : ResponseHeaders.VersionValue;

    /// <summary>True when <see cref="AnswerAsync"/> would redirect (gin redirects before any handler or middleware runs).</summary>
    public bool Redirects(string method, string path)
        => method != "CONNECT" && path != "/"
           && ((!router.DisableRedirectTrailingSlash && routes.TrailingSlashAlternative(method, path) is not null)
               || (!router.DisableRedirectFixedPath && routes.FixedPath(method, path) is { } fixedPath && fixedPath != path));

    /// <summary>Answers a request that matched no route (<paramref name="methodNotAllowed"/>: the path has other methods).</summary>
    public Task AnswerAsync(HttpContext context, string method, string path, bool methodNotAllowed)
    {
        if (method != "CONNECT" && path != "/")
        {
            if (!router.DisableRedirectTrailingSlash && routes.TrailingSlashAlternative(method, path) is { } tsr)
                return Redirect(context, method, tsr);
            if (!router.DisableRedirectFixedPath && routes.FixedPath(method, path) is { } fixedPath && fixedPath != path)
                return Redirect(context, method, fixedPath);
        }
        var response = context.Response;
        response.Headers[ResponseHeaders.Krakend] = _versionHeader;
        response.Headers[ResponseHeaders.Completed] = "false";
        if (methodNotAllowed && !router.DisableHandleMethodNotAllowed)
        {
            response.StatusCode = 405;
            return router.ErrorBody405 is { } body405
                ? ResponseRenderer.WriteJson(context, body405)
                : ResponseRenderer.WriteText(context, "text/plain", "405 method not allowed");
        }
        response.StatusCode = 404;
        return router.ErrorBody404 is { } body404
            ? ResponseRenderer.WriteJson(context, body404)
            : ResponseRenderer.WriteText(context, "text/plain", "404 page not found");
    }

    private static Task Redirect(HttpContext context, string method, string location)
    {
        // gin redirectRequest: 301 for GET, 307 otherwise, keeping the query string.
        var response = context.Response;
        response.StatusCode = method == "GET" ? 301 : 307;
        var target = location + context.Request.QueryString;
        response.Headers.Location = target;
        if (method == "GET")
            return ResponseRenderer.WriteText(context, "text/html; charset=utf-8", $"<a href=\"{System.Net.WebUtility.HtmlEncode(target)}\">Moved Permanently</a>.\n\n");
        return Task.CompletedTask;
    }
}
