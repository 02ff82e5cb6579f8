using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cuttle.Go;

/// <summary>
/// Go's net.ParseIP, net.ParseCIDR and IPNet.Contains, as gin's trusted-proxy checks use them. Stricter than
/// <see cref="IPAddress.TryParse(string, out IPAddress)"/>: IPv4 is four decimal octets without leading zeros, IPv6 has
/// no zone or brackets. An IPv4-mapped IPv6 address is the IPv4 address (Go's To4), for parsing and for matching.
/// </summary>
public static class GoIp
{
    /// <summary>net.ParseIP; the address comes back as IPv4 when it is IPv4 or IPv4-mapped.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out IPAddress address)
    {
        address = IPAddress.None;
        if (s.Contains(':'))
        {
            if (s.Contains('%') || s.Contains('[') || !IPAddress.TryParse(s, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6) return false;
            address = v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6;
            return true;
        }
        Span<byte> bytes = stackalloc byte[4];
        if (!TryParseIPv4(s, bytes)) return false;
        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>Go's IPv4 form: four decimal octets, no leading zeros (Go 1.17+), written into <paramref name="bytes"/>.</summary>
    public static bool TryParseIPv4(ReadOnlySpan<char> s, Span<byte> bytes)
    {
        var field = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            var value = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                value = (value * 10) + (s[i] - '0');
                i++;
                if (i - start > 3) return false;
            }
            var length = i - start;
            if (length == 0 || value > 255 || (length > 1 && s[start] == '0')) return false;
            bytes[field++] = (byte)value;
            if (i == s.Length) break;
            if (s[i] != '.' || field == 4) return false;
            i++;
        }
        return field == 4;
    }

    /// <summary>
    /// gin's prepareTrustedCIDRs for one entry: an address alone is /32 or /128, otherwise net.ParseCIDR. The network
    /// is stored in the address's own family (an IPv4-mapped network is an IPv4 one, its prefix less 96).
    /// </summary>
    public static bool TryParseNetwork(string s, out Network network)
    {
        network = default;
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        var ipPart = slash < 0 ? s.AsSpan() : s.AsSpan(0, slash);
        if (!TryParse(ipPart, out var ip)) return false;
        var written6 = ipPart.Contains(':');
        var bits = written6 ? 128 : 32;
        int prefix;
        if (slash < 0)
        {
            prefix = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            network = new Network(ip, prefix);
            return true;
        }
        var digits = s.AsSpan(slash + 1);
        if (digits.Length == 0 || digits.Length > 3 || (digits.Length > 1 && digits[0] == '0')) return false;
        foreach (var c in digits) if (!char.IsAsciiDigit(c)) return false;
        prefix = int.Parse(digits, CultureInfo.InvariantCulture);
        if (prefix > bits) return false;
        if (written6 && ip.AddressFamily == AddressFamily.InterNetwork) prefix = Math.Max(0, prefix - 96);
        network = new Network(ip, prefix);
        return true;
    }

    /// <summary>An IP network: Go's IPNet after ParseCIDR (host bits ignored).</summary>
    public readonly record struct Network(IPAddress Address, int Prefix)
    {
        /// <summary>IPNet.Contains: same family only; an IPv4-mapped address counts as IPv4.</summary>
        public bool Contains(IPAddress ip)
        {
            if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
            if (ip.AddressFamily != Address.AddressFamily) return false;
            Span<byte> a = stackalloc byte[16];
            Span<byte> b = stackalloc byte[16];
            Address.TryWriteBytes(a, out var n);
            ip.TryWriteBytes(b, out _);
            var full = Prefix / 8;
            if (!a[..full].SequenceEqual(b[..full])) return false;
            var rest = Prefix % 8;
            if (rest == 0 || full >= n) return true;
            var mask = (byte)(0xFF << (8 - rest));
            return (a[full] & mask) == (b[full] & mask);
        }
    }
}
