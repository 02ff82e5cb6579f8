using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private static readonly HashSet<string> OcInfluxKeys = ["address", "username", "password", "timeout", "ping", "db", "service_name", "buffer_size"];

    /// <summary>
    /// exporters.influxdb (krakend-opencensus exporter/influxdb over kpacha/opencensus-influxdb). encoding/json decodes
    /// the keys, so a value of the wrong type is an error at its position; the Go client refuses an address that is
    /// not http(s) and KrakenD then starts without the exporter, which here is an error too. timeout is a Go duration
    /// that KrakenD turns into "no timeout" when it does not parse (a warning here). ping is decoded and never passed
    /// on by KrakenD, so it does nothing in either; buffer_size is not passed on either (the Go buffer keeps up to a
    /// million failed batches) and bounds Cuttle's retry buffer instead.
    /// </summary>
    private OcInfluxOptions? BindOcInflux(JsonNode i, string f)
    {
        OcUnknownKeys(i, OcInfluxKeys, f);
        var address = i["address"] is { } a ? OcString(a, f + ".address") : "";
        var user = i["username"] is { } u ? OcString(u, f + ".username") : "";
        var password = i["password"] is { } p ? OcString(p, f + ".password") : "";
        var db = i["db"] is { } d ? OcString(d, f + ".db") : "";
        var instance = i["service_name"] is { } n ? OcString(n, f + ".service_name") : "";
        var buffer = i["buffer_size"] is { } b ? OcInt(b, f + ".buffer_size") : 0;
        if (i["ping"] is { Kind: not JsonNodeKind.True and not JsonNodeKind.False and not JsonNodeKind.Null } ping)
            Error(ping, $"\"{f}.ping\" must be a boolean, got {ping.KindName}");
        var timeout = Timeout.InfiniteTimeSpan;
        if (i["timeout"] is { } t)
        {
            var text = OcString(t, f + ".timeout");
            if (text.Length > 0)
            {
                if (GoDuration.TryParse(text, out var parsed))
                    timeout = parsed > TimeSpan.Zero ? parsed : Timeout.InfiniteTimeSpan;
                else
                    Warning(t, $"{f}.timeout \"{text}\" is not a Go duration (such as \"5s\"): KrakenD then writes with no timeout, and so does Cuttle");
            }
        }
        if (buffer < 0)
            Error(i["buffer_size"]!, $"\"{f}.buffer_size\" must not be negative, got {buffer}");
        if (i["address"] is { Kind: not JsonNodeKind.String and not JsonNodeKind.Null })
            return null; // its type is reported already
        if (!IsHttpUrl(address))
        {
            Error(i["address"] ?? i, $"\"{f}.address\" must be an http:// or https:// URL (the InfluxDB server's, such as http://influxdb:8086), got \"{address}\"");
            return null;
        }
        return new OcInfluxOptions
        {
            Address = address,
            Database = db,
            Username = user,
            Password = password,
            Timeout = timeout,
            InstanceName = instance,
            BufferSize = Math.Max(0, buffer),
            Location = Loc(i),
        };
    }
}
