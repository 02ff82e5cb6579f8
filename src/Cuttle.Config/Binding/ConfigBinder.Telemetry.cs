using System.Collections.Immutable;
using System.Globalization;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private static readonly HashSet<string> OtelServiceKeys =
        ["service_name", "service_version", "deploy_env", "trace_sample_rate", "metric_reporting_period", "skip_paths", "layers", "exporters"];
    private static readonly HashSet<string> OtelLayerKeys = ["global", "proxy", "backend"];
    private static readonly HashSet<string> OtelExporterKeys = ["otlp", "prometheus"];
    private static readonly HashSet<string> OtelAttributeKeys = ["key", "value"];
    private static readonly HashSet<string> OtelGlobalKeys =
        ["disable_metrics", "disable_traces", "disable_propagation", "report_headers", "skip_headers", "metrics_static_attributes", "traces_static_attributes", "semantic_convention"];
    private static readonly HashSet<string> OtelProxyKeys =
        ["disable_metrics", "disable_traces", "report_headers", "skip_headers", "metrics_static_attributes", "traces_static_attributes"];
    private static readonly HashSet<string> OtelBackendKeys = ["metrics", "traces"];
    private static readonly HashSet<string> OtelBackendSwitchKeys =
        ["disable_stage", "round_trip", "read_payload", "detailed_connection", "static_attributes", "report_headers", "skip_headers"];
    private static readonly HashSet<string> OtelOtlpKeys =
        ["name", "host", "port", "use_http", "disable_metrics", "disable_traces", "custom_metric_reporting_period"];
    private static readonly HashSet<string> OtelPrometheusKeys = ["name", "port", "listen_ip", "host", "process_metrics", "go_metrics", "disable_metrics"];

    /// <summary>
    /// extra_config."telemetry/opentelemetry" at service level (krakend-otel v0.14.4 config.FromLura plus
    /// UnsetFieldsToDefaults). krakend-otel decodes with encoding/json, so a value of the wrong type makes KrakenD skip
    /// the whole module with a log line; Cuttle reports it at its position, as `krakend check` does with the schema,
    /// and so it does an unknown key inside <c>layers</c> (a typo there silently leaves a layer on).
    /// </summary>
    private OpenTelemetryOptions? BindOpenTelemetry(JsonNode? extra, string serviceName)
    {
        if (Namespace(extra, "telemetry/opentelemetry") is not { } o)
            return null;
        const string ns = "telemetry/opentelemetry";
        UnknownKeys(o, OtelServiceKeys, ns);
        var name = o["service_name"] is { } sn ? ReadString(sn, ns + ".service_name", "") ?? "" : "";
        var rate = 1.0;
        if (o["trace_sample_rate"] is { Kind: not JsonNodeKind.Null } r)
            rate = ReadDouble(r, ns + ".trace_sample_rate", 1.0);
        var period = 30;
        if (o["metric_reporting_period"] is { Kind: not JsonNodeKind.Null } p)
            period = ReadInt(p, ns + ".metric_reporting_period", 30);
        var skip = o["skip_paths"] is { } sp ? ReadStringList(sp, ns + ".skip_paths") : [];

        var global = GlobalLayerOptions.Default;
        var proxy = ProxyLayerOptions.Default;
        var backend = BackendLayerOptions.Default;
        if (o["layers"] is { } layers && ExpectKind(layers, JsonNodeKind.Object, ns + ".layers"))
        {
            var bound = BindLayers(layers, ns + ".layers");
            global = bound.Global ?? global;
            proxy = bound.Proxy ?? proxy;
            backend = bound.Backend ?? backend;
        }

        var otlp = ImmutableArray.CreateBuilder<OtlpExporterOptions>();
        var prometheus = ImmutableArray.CreateBuilder<PrometheusExporterOptions>();
        if (o["exporters"] is { } ex && ExpectKind(ex, JsonNodeKind.Object, ns + ".exporters"))
        {
            UnknownKeys(ex, OtelExporterKeys, ns + ".exporters");
            var names = new HashSet<string>(StringComparer.Ordinal);
            if (ex["otlp"] is { } list && ExpectKind(list, JsonNodeKind.Array, ns + ".exporters.otlp"))
            {
                foreach (var e in list.Items)
                {
                    if (!ExpectKind(e, JsonNodeKind.Object, ns + ".exporters.otlp[]"))
                        continue;
                    var f = ns + ".exporters.otlp";
                    UnknownKeys(e, OtelOtlpKeys, f);
                    var exporter = new OtlpExporterOptions
                    {
                        Name = e["name"] is { } n ? ReadString(n, f + ".name", "") ?? "" : "",
                        Host = e["host"] is { } h && ReadString(h, f + ".host", "") is { Length: > 0 } host ? host : "localhost",
                        Port = Port(e["port"], f + ".port", 4317),
                        UseHttp = e["use_http"] is { } uh && ReadBool(uh, f + ".use_http", false),
                        DisableMetrics = e["disable_metrics"] is { } dm && ReadBool(dm, f + ".disable_metrics", false),
                        DisableTraces = e["disable_traces"] is { } dt && ReadBool(dt, f + ".disable_traces", false),
                        CustomMetricReportingPeriod = e["custom_metric_reporting_period"] is { } c ? Math.Max(0, ReadInt(c, f + ".custom_metric_reporting_period", 0)) : 0,
                        Location = Loc(e),
                    };
                    if (!names.Add(exporter.Name))
                        Error(e, $"OTLP exporter with duplicate name: {exporter.Name}");
                    otlp.Add(exporter);
                }
            }
            if (ex["prometheus"] is { } plist && ExpectKind(plist, JsonNodeKind.Array, ns + ".exporters.prometheus"))
            {
                foreach (var e in plist.Items)
                {
                    if (!ExpectKind(e, JsonNodeKind.Object, ns + ".exporters.prometheus[]"))
                        continue;
                    var f = ns + ".exporters.prometheus";
                    UnknownKeys(e, OtelPrometheusKeys, f);
                    var ip = e["listen_ip"] ?? e["host"];
                    var exporter = new PrometheusExporterOptions
                    {
                        Name = e["name"] is { } n ? ReadString(n, f + ".name", "") ?? "" : "",
                        Port = Port(e["port"], f + ".port", 9090),
                        ListenIp = ip is null ? "" : ReadString(ip, f + ".listen_ip", "") ?? "",
                        ProcessMetrics = e["process_metrics"] is { } pm && ReadBool(pm, f + ".process_metrics", false),
                        GoMetrics = e["go_metrics"] is { } gm && ReadBool(gm, f + ".go_metrics", false),
                        DisableMetrics = e["disable_metrics"] is { } dm && ReadBool(dm, f + ".disable_metrics", false),
                        Location = Loc(e),
                    };
                    if (exporter.ListenIp.Length > 0 && !System.Net.IPAddress.TryParse(exporter.ListenIp, out _) && exporter.ListenIp != "localhost")
                        Error(ip!, $"\"{f}.listen_ip\" must be an IP address, got \"{exporter.ListenIp}\"");
                    if (!names.Add(exporter.Name))
                        Error(e, $"prometheus with duplicate name: {exporter.Name}");
                    prometheus.Add(exporter);
                }
            }
        }

        return new OpenTelemetryOptions
        {
            ServiceName = name.Length > 0 ? name : serviceName.Length > 0 ? serviceName : "KrakenD",
            ServiceVersion = o["service_version"] is { } sv ? ReadString(sv, ns + ".service_version", "") ?? "" : "",
            DeployEnv = o["deploy_env"] is { } de ? ReadString(de, ns + ".deploy_env", "") ?? "" : "",
            TraceSampleRate = rate,
            MetricReportingPeriod = period,
            // krakend-otel: an empty list means the defaults; a list holding only "" skips nothing.
            SkipPaths = skip.IsDefaultOrEmpty ? OpenTelemetryOptions.DefaultSkipPaths : skip,
            Global = global,
            Proxy = proxy,
            Backend = backend,
            Otlp = otlp.ToImmutable(),
            Prometheus = prometheus.ToImmutable(),
            Location = Loc(o),
        };
    }

    /// <summary>
    /// The endpoint- or backend-level "telemetry/opentelemetry": krakend-otel's LuraLayerExtraCfg decodes the
    /// namespace's value itself as a LayersOpts, so the layer blocks sit at its top (not under "layers").
    /// </summary>
    private TelemetryLayerOverride? BindTelemetryOverride(JsonNode? extra, string level)
    {
        if (Namespace(extra, "telemetry/opentelemetry") is not { } o)
            return null;
        var bound = BindLayers(o, $"telemetry/opentelemetry ({level})");
        return bound.Proxy is null && bound.Backend is null && bound.Global is null ? null : bound;
    }

    private TelemetryLayerOverride BindLayers(JsonNode layers, string field)
    {
        UnknownKeys(layers, OtelLayerKeys, field);
        GlobalLayerOptions? global = null;
        ProxyLayerOptions? proxy = null;
        BackendLayerOptions? backend = null;
        if (layers["global"] is { } g && ExpectKind(g, JsonNodeKind.Object, field + ".global"))
        {
            var f = field + ".global";
            UnknownKeys(g, OtelGlobalKeys, f);
            global = new GlobalLayerOptions
            {
                DisableMetrics = Flag(g, "disable_metrics", f),
                DisableTraces = Flag(g, "disable_traces", f),
                DisablePropagation = Flag(g, "disable_propagation", f),
                ReportHeaders = Flag(g, "report_headers", f),
                SkipHeaders = g["skip_headers"] is { } sh ? ReadStringList(sh, f + ".skip_headers") : [],
                MetricsStaticAttributes = Attributes(g["metrics_static_attributes"], f + ".metrics_static_attributes"),
                TracesStaticAttributes = Attributes(g["traces_static_attributes"], f + ".traces_static_attributes"),
                SemanticConvention = SemanticConvention(g["semantic_convention"], f + ".semantic_convention"),
            };
        }
        if (layers["proxy"] is { } p && ExpectKind(p, JsonNodeKind.Object, field + ".proxy"))
        {
            var f = field + ".proxy";
            UnknownKeys(p, OtelProxyKeys, f);
            proxy = new ProxyLayerOptions
            {
                DisableMetrics = Flag(p, "disable_metrics", f),
                DisableTraces = Flag(p, "disable_traces", f),
                ReportHeaders = Flag(p, "report_headers", f),
                SkipHeaders = p["skip_headers"] is { } sh ? ReadStringList(sh, f + ".skip_headers") : [],
                MetricsStaticAttributes = Attributes(p["metrics_static_attributes"], f + ".metrics_static_attributes"),
                TracesStaticAttributes = Attributes(p["traces_static_attributes"], f + ".traces_static_attributes"),
            };
        }
        if (layers["backend"] is { } b && ExpectKind(b, JsonNodeKind.Object, field + ".backend"))
        {
            var f = field + ".backend";
            UnknownKeys(b, OtelBackendKeys, f);
            backend = new BackendLayerOptions
            {
                Metrics = b["metrics"] is { } m && ExpectKind(m, JsonNodeKind.Object, f + ".metrics") ? Switches(m, f + ".metrics") : BackendTelemetrySwitches.Default,
                Traces = b["traces"] is { } t && ExpectKind(t, JsonNodeKind.Object, f + ".traces") ? Switches(t, f + ".traces") : BackendTelemetrySwitches.Default,
            };
        }
        return new TelemetryLayerOverride { Global = global, Proxy = proxy, Backend = backend };
    }

    /// <summary>A present metrics/traces block: Go zero values for the booleans left out (no defaults merged in).</summary>
    private BackendTelemetrySwitches Switches(JsonNode s, string f)
    {
        UnknownKeys(s, OtelBackendSwitchKeys, f);
        return new BackendTelemetrySwitches
        {
            DisableStage = Flag(s, "disable_stage", f),
            RoundTrip = Flag(s, "round_trip", f),
            ReadPayload = Flag(s, "read_payload", f),
            DetailedConnection = Flag(s, "detailed_connection", f),
            StaticAttributes = Attributes(s["static_attributes"], f + ".static_attributes"),
            ReportHeaders = Flag(s, "report_headers", f),
            SkipHeaders = s["skip_headers"] is { } sh ? ReadStringList(sh, f + ".skip_headers") : [],
        };
    }

    private bool Flag(JsonNode obj, string key, string field) => obj[key] is { } n && ReadBool(n, field + "." + key, false);

    /// <summary>[{key, value}]; pairs with an empty key or value are dropped, as krakend-otel does when it builds them.</summary>
    private ImmutableArray<TelemetryAttribute> Attributes(JsonNode? node, string field)
    {
        if (node is null || !ExpectKind(node, JsonNodeKind.Array, field))
            return [];
        var b = ImmutableArray.CreateBuilder<TelemetryAttribute>();
        foreach (var item in node.Items)
        {
            if (!ExpectKind(item, JsonNodeKind.Object, field + "[]"))
                continue;
            UnknownKeys(item, OtelAttributeKeys, field);
            var key = item["key"] is { } k ? ReadString(k, field + ".key", "") ?? "" : "";
            var value = item["value"] is { } v ? ReadString(v, field + ".value", "") ?? "" : "";
            if (key.Length > 0 && value.Length > 0)
                b.Add(new TelemetryAttribute(key, value));
        }
        return b.ToImmutable();
    }

    private int Port(JsonNode? node, string field, int fallback)
    {
        if (node is null || node.Kind == JsonNodeKind.Null)
            return fallback;
        var port = ReadInt(node, field, fallback);
        if (port == 0)
            return fallback; // krakend-otel: a zero port is the default one
        if (port is < 0 or > 65535)
        {
            Error(node, $"\"{field}\" must be a port number between 1 and 65535, got {port}");
            return fallback;
        }
        return port;
    }

    private double ReadDouble(JsonNode node, string field, double fallback)
    {
        if (node.Kind == JsonNodeKind.Number && double.TryParse(node.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return d;
        Error(node, $"\"{field}\" must be a number, got {node.KindName}");
        return fallback;
    }

    private void UnknownKeys(JsonNode obj, IReadOnlySet<string> known, string where)
    {
        foreach (var p in obj.Properties)
        {
            if (!known.Contains(p.Name) && !IsCommentKey(p.Name))
                _diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, $"unknown key \"{p.Name}\" in {where}",
                    new SourceLocation(_file, p.Line, p.Column, p.Value.Path)));
        }
    }
}
