using Cuttle.Config.Model;

namespace Cuttle.Gateway.Proxy;

/// <summary>Wiring of lura's shadow factory (proxy/shadow.go): which backends are shadows, and the layer that forks them off.</summary>
internal static class ShadowBuilder
{
    /// <summary>
    /// Takes the shadow backends out of <paramref name="backends"/> (their stacks are returned) and gives the endpoint
    /// as the regular stack sees it (its backends only: sequential indexes count them alone, as in lura's config copy).
    /// </summary>
    public static IProxy[] Split(EndpointConfig endpoint, ref IProxy[] backends, out EndpointConfig regularEndpoint)
    {
        regularEndpoint = endpoint;
        var count = 0;
        foreach (var b in endpoint.Backend) if (b.Proxy.Shadow) count++;
        if (count == 0) return [];
        var shadows = new IProxy[count];
        var regular = new IProxy[backends.Length - count];
        var regularConfigs = new BackendConfig[regular.Length];
        int s = 0, r = 0;
        for (var i = 0; i < backends.Length; i++)
        {
            if (endpoint.Backend[i].Proxy.Shadow) shadows[s++] = backends[i];
            else
            {
                regularConfigs[r] = endpoint.Backend[i];
                regular[r++] = backends[i];
            }
        }
        backends = regular;
        regularEndpoint = endpoint with { Backend = [.. regularConfigs] };
        return shadows;
    }

    /// <summary>
    /// The shadow layer around the regular stack: the shadows merged as lura merges them (the result is discarded),
    /// under the longest of their shadow_timeout values (a backend without one counts the endpoint timeout).
    /// </summary>
    public static IProxy Wrap(IProxy regular, IProxy[] shadows, EndpointConfig endpoint, BuildContext context)
    {
        if (shadows.Length == 0) return regular;
        var timeout = TimeSpan.Zero;
        foreach (var b in endpoint.Backend)
        {
            if (!b.Proxy.Shadow) continue;
            var t = b.Proxy.ShadowTimeout > TimeSpan.Zero ? b.Proxy.ShadowTimeout : endpoint.Timeout;
            if (t > timeout) timeout = t;
        }
        var shadow = shadows.Length == 1 ? shadows[0] : new MergeProxy(shadows, endpoint.Timeout, context.Time);
        return new ShadowProxy(regular, shadow, timeout, context.Time);
    }
}
