namespace Cuttle.Gateway.Endpoints;

/// <summary>
/// KrakenD's paramChecker middleware: a path param that still decodes to something else, or carries '?' or '#',
/// is refused with 400 "error: encoded url params", so encoded slashes or queries cannot be smuggled into a backend URL.
/// </summary>
internal static class ParamChecker
{
    public static bool IsClean(string[] parameters)
    {
        foreach (var p in parameters)
        {
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
