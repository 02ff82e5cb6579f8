using System.Collections.Frozen;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private static readonly FrozenSet<string> InfluxKeys = FrozenSet.ToFrozenSet(["address", "username", "password", "ttl", "db", "buffer_size", "timeout"], StringComparer.Ordinal);

    /// <summary>
    /// krakend-influx's configGetter. KrakenD logs and runs without InfluxDB when address is missing (a warning here
    /// too) or ttl does not parse, and skips a value of the wrong type; Cuttle reports those at check time with
    /// their position instead.
    /// buffer_size and timeout are accepted and, as in KrakenD, have no effect (see <see cref="InfluxOptions"/>).
    /// </summary>
    private InfluxOptions? BindInflux(JsonNode? extra)
    {
        const string ns = "telemetry/influx";
        if (RawNamespace(extra, ns) is not { } o)
            return null;
        if (o.Kind != JsonNodeKind.Object)
        {
            Error(o, $"\"{ns}\" must be an object, got {o.KindName}");
            return null;
        }
        LintUnknown(o, InfluxKeys, $"\"{ns}\"");
        // krakend-influx reads krakend-metrics' latest snapshot, which stays empty while telemetry/metrics is absent.
        if (RawNamespace(extra, "telemetry/metrics") is null)
            Warning(o, $"{ns} without telemetry/metrics sends nothing to InfluxDB: as in KrakenD, the metrics collector runs only when telemetry/metrics is set");

        string Text(string key, string fallback)
        {
            if (o[key] is not { } n || n.Kind == JsonNodeKind.Null) return fallback;
            if (n.Kind == JsonNodeKind.String) return n.Text!;
            Error(n, $"\"{ns}.{key}\" must be a string, got {n.KindName}");
            return fallback;
        }

        var address = Text("address", "");
        if (address.Length == 0)
        {
            // krakend-influx: "address is required", logged, and the gateway runs without InfluxDB.
            Warning(o["address"] ?? o, $"{ns} has no address (the InfluxDB URL, such as \"http://influxdb:8086\"): as in KrakenD, no metrics are pushed");
            return null;
        }
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            Error(o["address"]!, $"invalid \"{ns}.address\" \"{address}\": expected an http:// or https:// URL");
            return null;
        }

        var ttl = TimeSpan.FromMinutes(1);
        if (o["ttl"] is { Kind: not JsonNodeKind.Null } t)
        {
            // krakend-influx reads ttl only as a string (time.ParseDuration).
            if (t.Kind != JsonNodeKind.String)
                Error(t, $"\"{ns}.ttl\" must be a duration string such as \"1m\", got {t.KindName}");
            else
            {
                ttl = ReadDuration(t, ns + ".ttl", ttl);
                if (ttl <= TimeSpan.Zero)
                {
                    Error(t, $"\"{ns}.ttl\" must be positive, got \"{t.Text}\"");
                    ttl = TimeSpan.FromMinutes(1);
                }
            }
        }
        if (o["buffer_size"] is { Kind: not JsonNodeKind.Null } b) ReadInt(b, ns + ".buffer_size", 0);

        return new InfluxOptions
        {
            Address = address,
            Username = Text("username", ""),
            Password = Text("password", ""),
            Ttl = ttl,
            Database = Text("db", "krakend"),
            Location = Loc(o),
        };
    }
}
