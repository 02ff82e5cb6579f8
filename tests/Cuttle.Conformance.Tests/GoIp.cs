using System.Net;
using System.Net.Sockets;

namespace Cuttle.Conformance.Tests;

/// <summary>Go's <c>net.ParseIP(s).IsLoopback()</c>, strict like Go: no zones, no shorthand or leading-zero IPv4.</summary>
internal static class GoIp
{
    public static bool IsLoopback(string? s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return false;
        }

        if (s.Contains(':'))
        {
            if (s.Contains('%') || !IPAddress.TryParse(s, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            return v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4().GetAddressBytes()[0] == 127 : IPAddress.IsLoopback(v6);
        }

        var parts = s.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        var first = -1;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var n = 0;
            foreach (var c in part)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }

                n = (n * 10) + (c - '0');
            }

            if (n > 255)
            {
                return false;
            }

            if (first < 0)
            {
                first = n;
            }
        }

        return first == 127;
    }
}
