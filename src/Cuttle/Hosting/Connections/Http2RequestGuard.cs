using Microsoft.AspNetCore.Http;

namespace Cuttle.Hosting.Connections;

/// <summary>
/// The HTTP/2 request checks Go's server makes and Kestrel (.NET 10) does not: a header name that is not a token, a
/// connection-specific header (Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade) or a TE other than
/// "trailers" makes the request malformed (RFC 9113 section 8.2), and Go answers it with RST_STREAM PROTOCOL_ERROR
/// before any handler runs. Those names and bytes have no HTTP/1.1 form: a header name carrying CR/LF would otherwise
/// reach the backend connection's writer. HTTP/1.1 requests never get here (Kestrel's parser already refuses them).
/// </summary>
internal static class Http2RequestGuard
{
    /// <summary>RFC 9113's PROTOCOL_ERROR, the code of the stream reset.</summary>
    public const int ProtocolError = 0x1;

    public static bool IsMalformed(IHeaderDictionary headers)
    {
        foreach (var header in headers)
        {
            var name = header.Key;
            if (!IsToken(name)) return true;
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
                return true;
            if (name.Equals("TE", StringComparison.OrdinalIgnoreCase)
                && (header.Value.Count > 1 || header.Value.ToString() is not ("trailers" or "")))
                return true;
        }
        return false;
    }

    /// <summary>RFC 9110's token: the characters Go's httpguts.ValidHeaderFieldName takes.</summary>
    private static bool IsToken(string name)
    {
        if (name.Length == 0) return false;
        foreach (var c in name)
        {
            var ok = c switch
            {
                >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' => true,
                '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~' => true,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }
}
