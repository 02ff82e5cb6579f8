using System.Collections.Immutable;
using System.Globalization;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private static readonly HashSet<string> OcJaegerKeys = ["endpoint", "agent_endpoint", "service_name", "buffer_max_count"];
    private static readonly HashSet<string> OcZipkinKeys = ["collector_url", "service_name", "ip", "port"];

    /// <summary>
    /// extra_config."telemetry/opencensus" (krakend-opencensus v2) mapped onto the OpenTelemetry model: its prometheus
    /// exporter becomes a Prometheus exporter of the same metrics on its port; jaeger, zipkin and logger become trace
    /// (and, for logger, metric) exporters of the same spans (<see cref="OpenCensusOptions"/>); enabled_layers
    /// (router, pipe, backend) switch the global, proxy and backend layers; sample_rate is opencensus's sampler
    /// (0 or less, or absent: NeverSample; 100 or more: AlwaysSample; else ProbabilitySampler(rate/100)); and
    /// reporting_period (seconds, 0 meaning opencensus's 10) is the push period of the metric exporters. KrakenD decodes
    /// the namespace with encoding/json, so a value of the wrong type is reported at its position (KrakenD would skip
    /// the whole module).
    /// </summary>
    private OpenTelemetryOptions? BindOpenCensus(JsonNode? extra, string serviceName)
    {
        if (Namespace(extra, "telemetry/opencensus") is not { } o)
            return null;
        const string ns = "telemetry/opencensus";
        bool router = true, pipe = true, backend = true;
        if (o["enabled_layers"] is { } el && ExpectKind(el, JsonNodeKind.Object, ns + ".enabled_layers"))
        {
            router = Flag(el, "router", ns + ".enabled_layers");
            pipe = Flag(el, "pipe", ns + ".enabled_layers");
            backend = Flag(el, "backend", ns + ".enabled_layers");
        }
        var sampleRate = o["sample_rate"] is { } sr ? OcInt(sr, ns + ".sample_rate") : 0;
        var period = o["reporting_period"] is { } rp ? OcInt(rp, ns + ".reporting_period") : 0;

        var prometheus = ImmutableArray<PrometheusExporterOptions>.Empty;
        JaegerExporterOptions? jaeger = null;
        ZipkinExporterOptions? zipkin = null;
        var zipkinName = "";
        var logger = false;
        OcInfluxOptions? influx = null;
        var unsupported = new List<string>();
        if (o["exporters"] is { } ex && ExpectKind(ex, JsonNodeKind.Object, ns + ".exporters"))
        {
            foreach (var p in ex.Properties)
            {
                var f = ns + ".exporters." + p.Name;
                if (p.Value.Kind == JsonNodeKind.Null || IsCommentKey(p.Name))
                    continue;
                switch (p.Name)
                {
                    case "prometheus" when ExpectKind(p.Value, JsonNodeKind.Object, f):
                        prometheus = [new PrometheusExporterOptions
                        {
                            Name = "opencensus-prometheus",
                            Port = Port(p.Value["port"], f + ".port", 9091),
                            ProcessMetrics = true,
                            GoMetrics = true,
                            Location = Loc(p.Value),
                        }];
                        break;
                    case "jaeger" when ExpectKind(p.Value, JsonNodeKind.Object, f):
                        jaeger = BindJaeger(p.Value, f);
                        break;
                    case "zipkin" when ExpectKind(p.Value, JsonNodeKind.Object, f):
                        zipkin = BindZipkin(p.Value, f, out zipkinName);
                        break;
                    case "logger" when ExpectKind(p.Value, JsonNodeKind.Object, f):
                        logger = true;
                        break;
                    case "influxdb" when ExpectKind(p.Value, JsonNodeKind.Object, f):
                        influx = BindOcInflux(p.Value, f);
                        break;
                    case "prometheus" or "jaeger" or "zipkin" or "logger" or "influxdb":
                        break; // reported by ExpectKind
                    default:
                        unsupported.Add(p.Name);
                        break;
                }
            }
        }
        if (unsupported.Count > 0)
            Warning(o, $"telemetry/opencensus exporters {string.Join(", ", unsupported)} are not implemented by Cuttle and are ignored: nothing is sent to them (jaeger, zipkin, logger, influxdb and prometheus are implemented; telemetry/opentelemetry's otlp exporter reaches an OpenTelemetry Collector, which can forward to these backends)");
        var traced = jaeger is not null || zipkin is not null || logger;
        if (prometheus.IsEmpty && !traced && influx is null)
            return null;
        if (traced && sampleRate <= 0)
            Warning(o["sample_rate"] ?? o, $"telemetry/opencensus sample_rate is {(o["sample_rate"] is null ? "absent" : sampleRate.ToString(CultureInfo.InvariantCulture))}: as in KrakenD (opencensus's NeverSample) no span is sampled and the trace exporters receive none; 100 samples every request");

        var offBackend = BackendTelemetrySwitches.Default with { DisableStage = true, RoundTrip = false, ReadPayload = false, DetailedConnection = false };
        // NeverSample: the layers keep their metrics and lose their spans.
        var never = sampleRate <= 0;
        var global = router ? GlobalLayerOptions.Default : GlobalLayerOptions.Default with { DisableMetrics = true, DisableTraces = true, DisablePropagation = true };
        var proxy = pipe ? ProxyLayerOptions.Default : ProxyLayerOptions.Default with { DisableMetrics = true, DisableTraces = true };
        var backends = backend ? BackendLayerOptions.Default : new BackendLayerOptions { Metrics = offBackend, Traces = offBackend };
        if (never)
        {
            global = global with { DisableTraces = true };
            proxy = proxy with { DisableTraces = true };
            backends = backends with { Traces = offBackend };
        }
        return new OpenTelemetryOptions
        {
            // The resource's service.name is what the zipkin exporter reports as its local endpoint.
            ServiceName = zipkin is not null && zipkinName.Length > 0 ? zipkinName : serviceName.Length > 0 ? serviceName : "KrakenD",
            TraceSampleRate = sampleRate >= 100 || never ? 1.0 : sampleRate / 100.0,
            MetricReportingPeriod = period > 0 ? period : 10,
            Global = global,
            Proxy = proxy,
            Backend = backends,
            Prometheus = prometheus,
            OpenCensus = traced || influx is not null ? new OpenCensusOptions { Jaeger = jaeger, Zipkin = zipkin, Logger = logger, InfluxDb = influx, Location = Loc(o) } : null,
            Location = Loc(o),
        };
    }

    /// <summary>
    /// exporters.jaeger. Without endpoint and agent_endpoint the Go exporter refuses to start and KrakenD leaves it
    /// out; an unknown key is ignored by encoding/json, so it is a warning here.
    /// </summary>
    private JaegerExporterOptions? BindJaeger(JsonNode j, string f)
    {
        OcUnknownKeys(j, OcJaegerKeys, f);
        var endpoint = j["endpoint"] is { } e ? OcString(e, f + ".endpoint") : "";
        var agent = j["agent_endpoint"] is { } a ? OcString(a, f + ".agent_endpoint") : "";
        var name = j["service_name"] is { } n ? OcString(n, f + ".service_name") : "";
        var buffer = j["buffer_max_count"] is { } b ? OcInt(b, f + ".buffer_max_count") : 0;
        if (endpoint.Length > 0 && !IsHttpUrl(endpoint))
        {
            Error(j["endpoint"]!, $"\"{f}.endpoint\" must be an http:// or https:// URL (the collector's, such as http://jaeger:14268/api/traces), got \"{endpoint}\"");
            return null;
        }
        if (endpoint.Length == 0 && agent.Length > 0 && !IsHostPort(agent))
        {
            Error(j["agent_endpoint"]!, $"\"{f}.agent_endpoint\" must be host:port (the agent's UDP port, such as jaeger:6831), got \"{agent}\"");
            return null;
        }
        if (endpoint.Length == 0 && agent.Length == 0)
        {
            Warning(j, $"{f} has neither endpoint nor agent_endpoint: KrakenD cannot start this exporter and leaves it out, and so does Cuttle");
            return null;
        }
        if (buffer < 0)
            Error(j["buffer_max_count"]!, $"\"{f}.buffer_max_count\" must not be negative, got {buffer}");
        return new JaegerExporterOptions
        {
            Endpoint = endpoint,
            AgentEndpoint = agent,
            ServiceName = name.Length > 0 ? name : "OpenCensus",
            BufferMaxCount = Math.Max(0, buffer),
            Location = Loc(j),
        };
    }

    private ZipkinExporterOptions? BindZipkin(JsonNode z, string f, out string name)
    {
        OcUnknownKeys(z, OcZipkinKeys, f);
        var url = z["collector_url"] is { } u ? OcString(u, f + ".collector_url") : "";
        name = z["service_name"] is { } n ? OcString(n, f + ".service_name") : "";
        var ip = z["ip"] is { } i ? OcString(i, f + ".ip") : "";
        var port = z["port"] is { } p ? OcInt(p, f + ".port") : 0;
        if (z["collector_url"] is { Kind: not JsonNodeKind.String and not JsonNodeKind.Null })
            return null; // its type is reported already
        if (!IsHttpUrl(url))
        {
            Error(z["collector_url"] ?? z, $"\"{f}.collector_url\" must be an http:// or https:// URL (such as http://zipkin:9411/api/v2/spans), got \"{url}\"");
            return null;
        }
        if (ip.Length > 0 || port != 0)
            Warning(z, $"{f}.ip and .port (the local endpoint's address) are not applied by Cuttle: its spans carry the service name only");
        return new ZipkinExporterOptions { CollectorUrl = url, Location = Loc(z) };
    }

    private static bool IsHttpUrl(string s) =>
        Uri.TryCreate(s, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) && u.Host.Length > 0;

    private static bool IsHostPort(string s)
    {
        var colon = s.LastIndexOf(':');
        return colon > 0 && int.TryParse(s.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535;
    }

    /// <summary>A string as encoding/json takes it: a JSON string (null leaves it empty); anything else is an error.</summary>
    private string OcString(JsonNode node, string field)
    {
        if (node.Kind == JsonNodeKind.String) return node.Text ?? "";
        if (node.Kind != JsonNodeKind.Null) Error(node, $"\"{field}\" must be a string, got {node.KindName}");
        return "";
    }

    /// <summary>An int as encoding/json takes it: a JSON number without a fraction (null leaves it 0).</summary>
    private int OcInt(JsonNode node, string field)
    {
        if (node.Kind == JsonNodeKind.Null) return 0;
        if (node.Kind == JsonNodeKind.Number && int.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            return v;
        Error(node, $"\"{field}\" must be an integer, got {node.KindName}");
        return 0;
    }

    private void OcUnknownKeys(JsonNode obj, IReadOnlySet<string> known, string where)
    {
        foreach (var p in obj.Properties)
        {
            if (!known.Contains(p.Name) && !IsCommentKey(p.Name))
                Warning(p, p.Value.Path, $"unknown key \"{p.Name}\" in {where}; ignored, as KrakenD does");
        }
    }
}
