using System.Text.Json.Serialization;

namespace Cuttle.LiveConsole;

// The JSON the console's APIs answer (docs/CONSOLE.md documents each field). Written with System.Text.Json's source
// generator: no reflection, so NativeAOT keeps working.

/// <summary>GET /api/generation: the live generation and its route table.</summary>
internal sealed record GenerationView(long Number, string ConfigHash, string File, DateTimeOffset LoadedAt, int Port, int InFlight,
    IReadOnlyList<RouteView> Routes, IReadOnlyList<string> ServiceNamespaces, IReadOnlyList<string> Warnings);

internal sealed record RouteView(string Method, string Endpoint, string OutputEncoding, string Timeout, IReadOnlyList<NamespaceView> Namespaces,
    IReadOnlyList<BackendView> Backends, string Key);

internal sealed record BackendView(int Index, string Method, IReadOnlyList<string> Hosts, string UrlPattern, string Encoding,
    IReadOnlyList<NamespaceView> Namespaces, string? CircuitBreaker, string Key);

/// <summary>An extra_config namespace on a route or backend; <see cref="Implemented"/> false: accepted but ignored.</summary>
internal sealed record NamespaceView(string Name, bool Implemented);

/// <summary>GET /api/reloads: the reload history, newest first.</summary>
internal sealed record ReloadsView(IReadOnlyList<ReloadEntry> Reloads, int Applied, int Rejected);

/// <summary>One reload attempt (or the start, as the first entry).</summary>
internal sealed record ReloadEntry(long Id, DateTimeOffset At, string Outcome, long Generation, string? ConfigHash, double DurationMs,
    double? DrainMs, RouteDiffView? Diff, string? Error, ErrorLocationView? Location, IReadOnlyList<ExcerptLine>? Excerpt);

internal sealed record RouteDiffView(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed);

internal sealed record ErrorLocationView(string File, int Line, int Column);

/// <summary>A line of the rejected file around the error; <see cref="Offending"/> marks the line the error is on.</summary>
internal sealed record ExcerptLine(int Number, string Text, bool Offending);

/// <summary>GET /api/traffic: rates and percentiles over the last few seconds, totals since start.</summary>
internal sealed record TrafficView(DateTimeOffset At, double WindowSeconds, string Source, TrafficFigures Total,
    IReadOnlyList<EndpointTraffic> Endpoints, IReadOnlyList<BackendTraffic> Backends);

internal sealed record TrafficFigures(long Requests, double Rps, double ErrorRate, double P50Ms, double P95Ms, double P99Ms, long Errors);

internal sealed record EndpointTraffic(string Key, string Method, string Endpoint, TrafficFigures Figures, long Status2xx, long Status3xx,
    long Status4xx, long Status5xx, long RateLimited, bool RateLimitConfigured);

internal sealed record BackendTraffic(string Key, string Endpoint, int Index, string UrlPattern, TrafficFigures Figures, string? CircuitBreaker);

/// <summary>GET /api/watcher: the files the configuration is made of, and whether they are watched.</summary>
internal sealed record WatcherView(bool Watching, double? PollIntervalMs, IReadOnlyList<WatchedFileView> Files);

internal sealed record WatchedFileView(string Path, string Role, bool Exists, DateTimeOffset? LastChanged, long? Size);

/// <summary>An SSE "reload" event's data: the history's newest entry id and the live generation.</summary>
internal sealed record ReloadSignal(long LastReloadId, long Generation);

internal sealed record ErrorView(string Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GenerationView))]
[JsonSerializable(typeof(ReloadsView))]
[JsonSerializable(typeof(TrafficView))]
[JsonSerializable(typeof(WatcherView))]
[JsonSerializable(typeof(ReloadSignal))]
[JsonSerializable(typeof(ErrorView))]
internal sealed partial class ConsoleJson : JsonSerializerContext;
