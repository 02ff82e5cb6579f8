using System.Text;

namespace Cuttle.Go;

/// <summary>
/// The hop-by-hop headers (RFC 9110 §7.6.1, plus the legacy Keep-Alive and Proxy-Connection): they describe one
/// connection, so the gateway passes them on in neither direction, not from a client's request to a backend (whatever
/// input_headers says) nor from a backend's response to the client. Matched case-insensitively, as header names are.
/// </summary>
public static class HopByHop
{
    /// <summary>The names, canonical (as textproto.CanonicalMIMEHeaderKey writes them).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Te", "Trailer", "Upgrade"];

    public static bool Is(string name) =>
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("Te", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase) || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase);

    /// <summary>The same test on a header name as read off the wire (ASCII bytes), without decoding it.</summary>
    public static bool Is(ReadOnlySpan<byte> name) =>
        Ascii.EqualsIgnoreCase(name, "Connection"u8) || Ascii.EqualsIgnoreCase(name, "Keep-Alive"u8)
        || Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8) || Ascii.EqualsIgnoreCase(name, "Te"u8)
        || Ascii.EqualsIgnoreCase(name, "Trailer"u8) || Ascii.EqualsIgnoreCase(name, "Upgrade"u8)
        || Ascii.EqualsIgnoreCase(name, "Proxy-Connection"u8);
}
