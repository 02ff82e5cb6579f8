using System.Globalization;
using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// krakend-metrics' ConfigGetter (collection_time, listen_address and the four *_disabled flags). KrakenD skips a
    /// value of the wrong type (a non-string collection_time even panics), keeps one minute for a duration it cannot
    /// parse and panics at start-up on a non-positive one (Go's NewTicker), and fails at start-up on an address
    /// net.Listen refuses; Cuttle reports each of these at check time with its position instead.
    /// </summary>
    private MetricsOptions? BindMetrics(JsonNode? extra)
    {
        if (RawNamespace(extra, "telemetry/metrics") is not { } m)
            return null;
        if (m.Kind != JsonNodeKind.Object)
        {
            Error(m, $"\"telemetry/metrics\" must be an object, got {m.KindName}");
            return null;
        }

        var collection = MetricsOptions.DefaultCollectionTime;
        if (m["collection_time"] is { } ct)
        {
            if (ct.Kind != JsonNodeKind.String)
                Error(ct, $"\"telemetry/metrics.collection_time\" must be a duration string such as \"1m\", got {ct.KindName}");
            else if (!GoDuration.TryParse(ct.Text, out var d))
                Error(ct, $"invalid duration \"{ct.Text}\" for \"telemetry/metrics.collection_time\": expected a Go duration such as \"30s\" or \"1m\" (units ns, us, ms, s, m, h)");
            else if (d <= TimeSpan.Zero)
                Error(ct, $"\"telemetry/metrics.collection_time\" must be positive, got \"{ct.Text}\"");
            else
                collection = d;
        }

        var address = MetricsOptions.DefaultListenAddress;
        if (m["listen_address"] is { } la)
        {
            if (la.Kind != JsonNodeKind.String)
                Error(la, $"\"telemetry/metrics.listen_address\" must be a string such as \":8090\", got {la.KindName}");
            else
                address = la.Text!;
        }
        if (!TrySplitListenAddress(address, out var host, out var port, out var why))
        {
            Error(m["listen_address"] ?? m, $"invalid \"telemetry/metrics.listen_address\" \"{address}\": {why}");
            (host, port) = ("", 8090);
        }

        bool Flag(string key)
        {
            if (m[key] is not { } n || n.Kind == JsonNodeKind.Null)
                return false;
            if (n.Kind is JsonNodeKind.True or JsonNodeKind.False)
                return n.Kind == JsonNodeKind.True;
            Error(n, $"\"telemetry/metrics.{key}\" must be a boolean, got {n.KindName}");
            return false;
        }

        return new MetricsOptions
        {
            CollectionTime = collection,
            ListenAddress = address,
            ListenHost = host,
            ListenPort = port,
            ProxyDisabled = Flag("proxy_disabled"),
            RouterDisabled = Flag("router_disabled"),
            BackendDisabled = Flag("backend_disabled"),
            EndpointDisabled = Flag("endpoint_disabled"),
            Location = Loc(m),
        };
    }

    /// <summary>
    /// Go's net.SplitHostPort, then the port net.Listen accepts: "host:port", ":port", "[v6]:port"; an empty port is
    /// port 0 (any free port). Service names ("http") are refused: the gateway takes port numbers only.
    /// </summary>
    internal static bool TrySplitListenAddress(string address, out string host, out int port, out string why)
    {
        host = "";
        port = 0;
        why = "";
        var colon = address.LastIndexOf(':');
        if (colon < 0)
        {
            why = "missing port in address (write host:port or :port)";
            return false;
        }
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']');
            if (close < 0)
            {
                why = "missing ']' in address";
                return false;
            }
            if (close + 1 != colon)
            {
                why = close + 1 == address.Length ? "missing port in address" : "unexpected text after ']'";
                return false;
            }
            host = address[1..close];
        }
        else
        {
            host = address[..colon];
            if (host.Contains(':'))
            {
                why = "too many colons in address (write an IPv6 host in brackets: [::1]:8090)";
                return false;
            }
        }
        var portText = address[(colon + 1)..];
        if (portText.Length == 0)
            return true;
        foreach (var c in portText)
        {
            if (!char.IsAsciiDigit(c))
            {
                why = $"the port \"{portText}\" is not a number";
                return false;
            }
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            why = $"the port {portText} is out of range (0-65535)";
            port = 0;
            return false;
        }
        return true;
    }
}
