namespace Cuttle.Config.Binding;

/// <summary>Go's <c>textproto.CanonicalMIMEHeaderKey</c>, which KrakenD applies to endpoint input_headers.</summary>
internal static class HeaderKey
{
    public static string Canonicalize(string key)
    {
        // Go returns the key untouched when it holds a byte that is not a valid header token character.
        foreach (var c in key)
        {
            if (c > 127 || c <= ' ' || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal) || c == 127)
                return key;
        }
        var chars = key.ToCharArray();
        var upper = true;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            chars[i] = upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            upper = c == '-';
        }
        return new string(chars);
    }
}
