namespace Cuttle.Go;

/// <summary>
/// Go's <c>textproto.CanonicalMIMEHeaderKey</c> ("x-y-z" → "X-Y-Z"): how KrakenD names endpoint input_headers and every
/// header it forwards. Used by the config binder and on the gateway's hot path, so an already canonical key is
/// returned without allocating.
/// </summary>
public static class HeaderKey
{
    public static string Canonicalize(string key)
    {
        var upper = true;
        var changed = false;
        foreach (var c in key)
        {
            // Go returns the key untouched when it holds a byte that is not a valid header token character.
            if (c > 126 || c <= ' ' || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
                return key;
            var want = upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            if (want != c) changed = true;
            upper = c == '-';
        }
        if (!changed) return key;
        return string.Create(key.Length, key, static (span, k) =>
        {
            var up = true;
            for (var i = 0; i < k.Length; i++)
            {
                var c = k[i];
                span[i] = up ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
                up = c == '-';
            }
        });
    }
}
