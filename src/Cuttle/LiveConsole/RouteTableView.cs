using Cuttle.Config.Model;
using Cuttle.Gateway;
using Cuttle.Gateway.Telemetry.Traffic;
using Cuttle.Hosting;

namespace Cuttle.LiveConsole;

/// <summary>
/// The live generation as the console shows it: its route table with the extra_config namespaces of each endpoint and
/// backend, those the gateway accepts but does not act on flagged. Only names are shown, never a namespace's values
/// (where keys, client secrets and passwords are); hosts and URL patterns go through <see cref="SecretMask"/>.
/// </summary>
internal static class RouteTableView
{
    public static GenerationView Build(Generation generation, int port)
    {
        var config = generation.Config;
        var breakers = TrafficInspection.CircuitBreakers(generation.State);
        var warnings = new List<string>();
        var service = new List<string>();
        foreach (var ns in Sorted(config.ExtraConfig))
        {
            service.Add(ns);
            if (!Implemented(ns)) warnings.Add($"service: \"{ns}\" is accepted but not implemented (ignored)");
        }
        var routes = new List<RouteView>(config.Endpoints.Length);
        foreach (var endpoint in config.Endpoints)
        {
            var key = TrafficKeys.Endpoint(endpoint);
            var namespaces = Namespaces(endpoint.ExtraConfig, key, warnings);
            var backends = new List<BackendView>(endpoint.Backend.Length);
            for (var i = 0; i < endpoint.Backend.Length; i++)
            {
                var b = endpoint.Backend[i];
                var backendKey = TrafficKeys.Backend(endpoint, i);
                var hosts = new List<string>(b.Host.Length);
                foreach (var h in b.Host) hosts.Add(SecretMask.Apply(h));
                backends.Add(new BackendView(i, b.Method, hosts, SecretMask.Apply(b.UrlPattern), b.Encoding,
                    Namespaces(b.ExtraConfig, backendKey, warnings), BreakerOf(breakers, backendKey), backendKey));
            }
            routes.Add(new RouteView(endpoint.Method, endpoint.Endpoint, endpoint.OutputEncoding, Duration(endpoint.Timeout),
                namespaces, backends, key));
        }
        return new GenerationView(generation.Number, config.ContentHash, config.SourcePath, generation.LoadedAt, port, generation.InFlight,
            routes, service, warnings);
    }

    /// <summary>The breaker of the backend whose key is <paramref name="backendKey"/> (QosBuilder's identity starts with it).</summary>
    internal static string? BreakerOf(List<KeyValuePair<string, string>> breakers, string backendKey)
    {
        foreach (var (identity, state) in breakers)
            if (identity.StartsWith(backendKey + " ", StringComparison.Ordinal)) return state;
        return null;
    }

    private static List<NamespaceView> Namespaces(ExtraConfig extra, string owner, List<string> warnings)
    {
        var list = new List<NamespaceView>();
        foreach (var ns in Sorted(extra))
        {
            var implemented = Implemented(ns);
            list.Add(new NamespaceView(ns, implemented));
            if (!implemented) warnings.Add($"{owner}: \"{ns}\" is accepted but not implemented (ignored)");
        }
        return list;
    }

    private static string Duration(TimeSpan t) => t.Ticks % TimeSpan.TicksPerSecond == 0
        ? ((long)t.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "s"
        : t.TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "ms";

    private static bool Implemented(string ns) => ConfigSource.ImplementedNamespaces.Contains(ns);

    private static List<string> Sorted(ExtraConfig extra)
    {
        var names = new List<string>(extra.Namespaces.Keys);
        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
