using System.Collections.Immutable;
using System.Text.Json;
using Cuttle.Config.Model;

namespace Cuttle.Audit;

/// <summary>
/// What krakend-audit's <c>Parse</c> (parser.go) extracts from a configuration, as named facts instead of its bit
/// sets: service flags, and per service/endpoint/backend the extra_config namespaces present with the few values its
/// rules look at. Built from the bound model plus the raw document for the fields Cuttle's model does not carry
/// (tls, client_tls, use_h2c, sequential_start, plugin, async_agent).
/// </summary>
internal sealed record AuditFacts
{
    public bool Debug { get; init; }
    public bool Echo { get; init; }
    public bool DisableStrictRest { get; init; }
    public bool SequentialStart { get; init; }
    public bool AllowInsecureConnections { get; init; }
    public bool HasTls { get; init; }
    public bool TlsEnabled { get; init; }
    public bool TlsPrivPubKey { get; init; }
    public bool UseH2C { get; init; }
    public int AsyncAgents { get; init; }
    public required ExtraConfig Components { get; init; }
    public ImmutableArray<EndpointFacts> Endpoints { get; init; } = [];

    public static AuditFacts From(GatewayConfig config, JsonElement? document)
    {
        var doc = document is { ValueKind: JsonValueKind.Object } d ? d : default;
        var tls = Member(doc, "tls");
        return new AuditFacts
        {
            Debug = config.DebugEndpoint,
            Echo = config.EchoEndpoint,
            DisableStrictRest = config.DisableRest,
            SequentialStart = IsTrue(Member(doc, "sequential_start")),
            // The service-level flag is deprecated in favour of client_tls.allow_insecure_connections; either counts.
            AllowInsecureConnections = IsTrue(Member(doc, "allow_insecure_connections")) || IsTrue(Member(Member(doc, "client_tls"), "allow_insecure_connections")),
            HasTls = tls.ValueKind == JsonValueKind.Object,
            TlsEnabled = tls.ValueKind == JsonValueKind.Object && !IsTrue(Member(tls, "disabled")),
            TlsPrivPubKey = tls.ValueKind == JsonValueKind.Object && (NonEmptyString(Member(tls, "public_key")) || NonEmptyString(Member(tls, "private_key"))),
            UseH2C = IsTrue(Member(doc, "use_h2c")),
            AsyncAgents = Member(doc, "async_agent") is { ValueKind: JsonValueKind.Array } agents ? agents.GetArrayLength() : 0,
            Components = config.ExtraConfig,
            Endpoints = [.. config.Endpoints.Select(EndpointFacts.From)],
        };
    }

    internal static JsonElement Member(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) ? v : default;

    /// <summary>Go's <c>v.(bool)</c> with ok: only a JSON true counts.</summary>
    internal static bool IsTrue(JsonElement e) => e.ValueKind == JsonValueKind.True;

    internal static bool NonEmptyString(JsonElement e) => e.ValueKind == JsonValueKind.String && e.GetString()!.Length > 0;

    /// <summary>Go's <c>v.(float64)</c> with ok and a positive value.</summary>
    internal static bool PositiveNumber(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.GetDouble() > 0;
}

internal sealed record EndpointFacts
{
    public bool Wildcard { get; init; }
    public bool CatchAll { get; init; }
    public bool QueryStringWildcard { get; init; }
    public bool HeadersWildcard { get; init; }
    public int UnsafeMethods { get; init; }
    public double TimeoutMilliseconds { get; init; }
    public bool NoOp { get; init; }
    public required ExtraConfig Components { get; init; }
    public ImmutableArray<ExtraConfig> Backends { get; init; } = [];

    public static EndpointFacts From(EndpointConfig e)
    {
        var unsafeMethods = 0;
        foreach (var b in e.Backend)
        {
            // krakend-audit counts a gRPC backend as a write even under GET.
            if ((b.Method != "HEAD" && b.Method != "GET") || b.ExtraConfig.Contains("backend/grpc"))
                unsafeMethods++;
        }
        return new EndpointFacts
        {
            Wildcard = e.Endpoint.EndsWith('*'),
            CatchAll = e.Endpoint == "/__catchall",
            QueryStringWildcard = e.InputQueryStrings.Contains("*"),
            HeadersWildcard = e.InputHeaders.Contains("*"),
            UnsafeMethods = unsafeMethods,
            TimeoutMilliseconds = Math.Floor(e.Timeout.TotalMilliseconds),
            NoOp = e.OutputEncoding == Encodings.NoOp,
            Components = e.ExtraConfig,
            Backends = [.. e.Backend.Select(b => b.ExtraConfig)],
        };
    }
}
