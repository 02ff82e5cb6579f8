namespace Cuttle.Gateway.Http;

/// <summary>Go's textproto.CanonicalMIMEHeaderKey: "x-y-z" → "X-Y-Z", which is how KrakenD names every header it forwards.</summary>
public static class GoHeaders
{
    public static string Canonical(string name)
    {
        var upper = true;
        var changed = false;
        foreach (var c in name)
        {
            // Go leaves keys with spaces or non-token characters untouched.
            if (c == ' ' || c > 0x7f) return name;
            var want = upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            if (want != c) changed = true;
            upper = c == '-';
        }
        if (!changed) return name;
        return string.Create(name.Length, name, static (span, n) =>
        {
            var up = true;
            for (var i = 0; i < n.Length; i++)
            {
                var c = n[i];
                span[i] = up ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
                up = c == '-';
            }
        });
    }
}
