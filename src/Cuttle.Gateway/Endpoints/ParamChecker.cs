using Cuttle.Gateway.Codecs;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Endpoints;

/// <summary>
/// KrakenD's paramChecker middleware: a path param that still decodes to something else, or carries '?' or '#',
/// is refused with 400 "error: encoded url params", so encoded slashes or queries cannot be smuggled into a backend URL.
/// </summary>
internal static class ParamChecker
{
    /// <summary>
    /// The shared start of every endpoint handler: the X-Krakend header, then the encoded-params check. Returns null
    /// when the request may proceed, or the task writing the 400 answer.
    /// </summary>
    public static Task? Prologue(HttpContext context, string[] parameters, string versionHeader, bool disablePathDecoding) =>
        Prologue(context, parameters, parameters.Length, versionHeader, disablePathDecoding);

    /// <summary>
    /// As above, checking only the first <paramref name="routeParams"/> values: the ones after them are claims
    /// auth/validator appended (<see cref="JwtParams"/>), which krakend-jose adds after gin's paramChecker has run.
    /// </summary>
    public static Task? Prologue(HttpContext context, string[] parameters, int routeParams, string versionHeader, bool disablePathDecoding)
    {
        context.Response.Headers[ResponseHeaders.Krakend] = versionHeader;
        if (disablePathDecoding || IsClean(parameters, routeParams)) return null;
        context.Response.StatusCode = 400;
        return ResponseRenderer.WriteText(context, "text/plain; charset=utf-8", "error: encoded url params");
    }

    public static bool IsClean(string[] parameters, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var p = parameters[i];
            if (p.Contains('?') || p.Contains('#')) return false;
            if (p.Contains('%'))
            {
                string decoded;
                try { decoded = Uri.UnescapeDataString(p); }
                catch (UriFormatException) { return false; }
                if (!string.Equals(decoded, p, StringComparison.Ordinal)) return false;
            }
        }
        return true;
    }
}
