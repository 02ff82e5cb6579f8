namespace Cuttle.Conformance.Tests;

/// <summary>Go's <c>textproto.CanonicalMIMEHeaderKey</c>: <c>x-y-Z</c> → <c>X-Y-Z</c>; keys with non-token bytes are left as they are.</summary>
internal static class GoHeaderKey
{
    public static string Canonical(string key)
    {
        foreach (var c in key)
        {
            if (!IsTokenChar(c))
            {
                return key;
            }
        }

        var chars = key.ToCharArray();
        var upper = true;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (upper && c is >= 'a' and <= 'z')
            {
                chars[i] = (char)(c - 32);
            }
            else if (!upper && c is >= 'A' and <= 'Z')
            {
                chars[i] = (char)(c + 32);
            }

            upper = c == '-';
        }

        return new string(chars);
    }

    private static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
