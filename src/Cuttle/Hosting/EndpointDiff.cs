using Cuttle.Config.Model;

namespace Cuttle.Hosting;

/// <summary>Endpoints added, removed and changed between two configurations, for the one-line reload log.</summary>
internal readonly record struct EndpointDiff(int Added, int Removed, int Changed)
{
    public static EndpointDiff Compute(GatewayConfig before, GatewayConfig after)
    {
        var old = new Dictionary<string, EndpointConfig>(StringComparer.Ordinal);
        foreach (var e in before.Endpoints) old[e.Method + " " + e.Endpoint] = e;
        int added = 0, changed = 0;
        foreach (var e in after.Endpoints)
        {
            if (!old.Remove(e.Method + " " + e.Endpoint, out var previous)) added++;
            else if (!SameShape(previous, e)) changed++;
        }
        return new EndpointDiff(added, old.Count, changed);
    }

    // Records compare ImmutableArray fields by reference, so compare a rendering that ignores source positions.
    internal static bool SameShape(EndpointConfig a, EndpointConfig b)
        => Describe(a) == Describe(b);

    private static string Describe(EndpointConfig e)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(e.Timeout).Append('|').Append(e.CacheTtl).Append('|').Append(e.OutputEncoding).Append('|')
          .Append(string.Join(",", e.InputHeaders)).Append('|').Append(string.Join(",", e.InputQueryStrings)).Append('|')
          .Append(e.ConcurrentCalls).Append('|').Append(e.Proxy.Sequential);
        if (e.Proxy.Static is { } s) sb.Append('|').Append(s.Strategy).Append(s.Data.GetRawText());
        foreach (var b in e.Backend)
        {
            sb.Append("||").Append(string.Join(",", b.Host)).Append(b.UrlPattern).Append(b.Method).Append(b.Encoding)
              .Append(b.Group).Append(b.Target).Append(string.Join(",", b.Allow)).Append(string.Join(",", b.Deny))
              .Append(string.Join(",", b.Mapping)).Append(b.IsCollection);
        }
        return sb.ToString();
    }
}
