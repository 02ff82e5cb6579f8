using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Differential;

public sealed record CampaignOptions
{
    /// <summary>Exchanges in flight at once, per client (the reference's and the gateway's).</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>The endpoint timeout, and the reference client's whole-exchange timeout.</summary>
    public TimeSpan EndpointTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Seeds the order the gateway's exchanges are sent in.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Findings of each kind kept with their details (the rest are only counted).</summary>
    public int SamplesPerKind { get; init; } = 20;
}

/// <summary>
/// Plays scripts through the real gateway (Kestrel, a no-op and a json endpoint, over sockets) and through the
/// reference client straight at the same hostile backend, and compares what a client receives. Scripts run in
/// batches: every reference exchange of a batch, then every gateway exchange of it in a shuffled order, many at once,
/// so connections are reused across exchanges and scripts.
/// </summary>
public sealed class Campaign : IAsyncDisposable
{
    private readonly HostileBackend _backend;
    private readonly GatewayHarness _gateway;
    private readonly HttpClient _client;
    private readonly CampaignOptions _options;
    private readonly Random _order;
    private long _next;

    private Campaign(HostileBackend backend, GatewayHarness gateway, IReferenceClient reference, CampaignOptions options)
    {
        _backend = backend;
        _gateway = gateway;
        Reference = reference;
        _options = options;
        _order = new Random(options.Seed);
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public IReferenceClient Reference { get; }
    public CampaignReport Report { get; } = new();
    public HostileBackend Backend => _backend;

    /// <summary>Why the reference is not Go, when it is not (empty otherwise).</summary>
    public string FallbackReason { get; private set; } = "";

    public static string GatewayConfig(string backendUrl, TimeSpan timeout) => $$"""
        { "version": 3, "timeout": "{{(long)timeout.TotalMilliseconds}}ms", "endpoints": [
          { "endpoint": "/noop/{id}", "output_encoding": "no-op",
            "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/x/{id}", "encoding": "no-op" } ] },
          { "endpoint": "/json/{id}",
            "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/x/{id}" } ] } ] }
        """;

    /// <summary>Starts the backend, the gateway and the reference client (Go when it can be built, else the fallback).</summary>
    public static async Task<Campaign> StartAsync(CampaignOptions options, bool allowFallback = true)
    {
        var backend = new HostileBackend();
        var gateway = await GatewayHarness.StartAsync(GatewayConfig(backend.Url, options.EndpointTimeout));
        IReferenceClient? reference = GoReferenceClient.TryStart(options.Concurrency, options.EndpointTimeout, out var reason);
        if (reference is null && !allowFallback)
        {
            await gateway.DisposeAsync();
            await backend.DisposeAsync();
            throw new InvalidOperationException("no Go reference client: " + reason);
        }
        reference ??= new SocketsReferenceClient(options.Concurrency, options.EndpointTimeout);
        return new Campaign(backend, gateway, reference, options) { FallbackReason = reason };
    }

    /// <summary>Plays one batch of scripts and adds what it found to <see cref="Report"/>.</summary>
    public async Task RunAsync(IReadOnlyList<Script> scripts, CancellationToken ct = default)
    {
        var numbers = new long[scripts.Count];
        for (var i = 0; i < scripts.Count; i++)
        {
            numbers[i] = Interlocked.Increment(ref _next);
            _backend.Register(numbers[i], scripts[i]);
        }
        try
        {
            var refRequests = new ExchangeRequest[scripts.Count];
            for (var i = 0; i < scripts.Count; i++)
            {
                var id = ExchangeId.Make(Reference.Side, numbers[i]);
                refRequests[i] = new ExchangeRequest(id, _backend.Url + "/x/" + id);
            }
            var reference = await Reference.RunAsync(refRequests, ct);

            var gwRequests = new ExchangeRequest[scripts.Count * 2];
            for (var i = 0; i < scripts.Count; i++)
            {
                var n = ExchangeId.Make('n', numbers[i]);
                var j = ExchangeId.Make('j', numbers[i]);
                gwRequests[2 * i] = new ExchangeRequest(n, $"http://127.0.0.1:{_gateway.Port}/noop/{n}");
                gwRequests[2 * i + 1] = new ExchangeRequest(j, $"http://127.0.0.1:{_gateway.Port}/json/{j}");
            }
            lock (_order) _order.Shuffle(gwRequests);
            var gateway = await HttpExchanges.RunAsync(_client, gwRequests, _options.Concurrency, _options.EndpointTimeout + TimeSpan.FromSeconds(10), ct);

            var byNumber = new Dictionary<long, Script>(scripts.Count);
            for (var i = 0; i < scripts.Count; i++) byNumber[numbers[i]] = scripts[i];
            Script? ScriptOf(string id) => byNumber.TryGetValue(ExchangeId.Number(id), out var s) ? s : null;
            for (var i = 0; i < scripts.Count; i++)
            {
                var refId = ExchangeId.Make(Reference.Side, numbers[i]);
                var refOutcome = reference.TryGetValue(refId, out var r) ? r : new Outcome(refId, Stage.Head, 0, [], "the reference client lost the exchange");
                Report.CountReference(refOutcome);
                foreach (var (side, endpoint) in new[] { ('n', Endpoint.NoOp), ('j', Endpoint.Json) })
                {
                    var id = ExchangeId.Make(side, numbers[i]);
                    var finding = Comparator.Compare(endpoint, scripts[i], refOutcome, gateway[id], _backend.TimesReceived(id) > 0, ScriptOf, _options.EndpointTimeout);
                    Report.Add(finding, _options.SamplesPerKind);
                    _backend.ForgetReceived(id);
                }
                _backend.ForgetReceived(refId);
            }
        }
        finally
        {
            foreach (var n in numbers) _backend.Unregister(n);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await Reference.DisposeAsync();
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }
}

/// <summary>Counts of a campaign, by verdict and by reason, with a few findings of each kind kept whole.</summary>
public sealed class CampaignReport
{
    private readonly ConcurrentDictionary<string, long> _byReason = new();
    private readonly ConcurrentDictionary<string, int> _sampled = new();
    private long _exchanges, _referenceExchanges, _matches, _desyncs, _referenceDesyncs, _explained, _referenceDefects, _unexplained, _inconclusive;

    public long Exchanges => Interlocked.Read(ref _exchanges);
    public long ReferenceExchanges => Interlocked.Read(ref _referenceExchanges);
    public long Matches => Interlocked.Read(ref _matches);
    public long Desyncs => Interlocked.Read(ref _desyncs);
    public long ReferenceDesyncs => Interlocked.Read(ref _referenceDesyncs);
    public long Explained => Interlocked.Read(ref _explained);
    public long ReferenceDefects => Interlocked.Read(ref _referenceDefects);
    public long Unexplained => Interlocked.Read(ref _unexplained);
    public long Inconclusive => Interlocked.Read(ref _inconclusive);
    public ConcurrentQueue<Finding> Samples { get; } = new();

    /// <summary>Counts per verdict and reason ("Explained: reason", "Unexplained [NoOp] family: what differs").</summary>
    public IReadOnlyDictionary<string, long> ByReason => _byReason;

    public void CountReference(Outcome _) => Interlocked.Increment(ref _referenceExchanges);

    public void Add(Finding finding, int samplesPerKind)
    {
        Interlocked.Increment(ref _exchanges);
        switch (finding.Verdict)
        {
            case Verdict.Match: Interlocked.Increment(ref _matches); return;
            case Verdict.Desync: Interlocked.Increment(ref _desyncs); break;
            case Verdict.ReferenceDesync: Interlocked.Increment(ref _referenceDesyncs); break;
            case Verdict.Explained: Interlocked.Increment(ref _explained); break;
            case Verdict.ReferenceDefect: Interlocked.Increment(ref _referenceDefects); break;
            case Verdict.Unexplained: Interlocked.Increment(ref _unexplained); break;
            case Verdict.Inconclusive: Interlocked.Increment(ref _inconclusive); break;
        }
        var key = finding.Verdict is Verdict.Unexplained or Verdict.Desync or Verdict.ReferenceDesync
            ? $"{finding.Verdict} [{finding.Endpoint}] {finding.Script.Family}: {finding.Reason}"
            : $"{finding.Verdict}: {finding.Reason}";
        if (finding.Verdict is Verdict.Desync or Verdict.ReferenceDesync) key = $"{finding.Verdict} [{finding.Endpoint}] {finding.Script.Family}";
        _byReason.AddOrUpdate(key, 1, static (_, n) => n + 1);
        if (_sampled.AddOrUpdate(key, 1, static (_, n) => n + 1) <= samplesPerKind) Samples.Enqueue(finding);
    }

    public string Summary(bool withSamples = true)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"exchanges: {Exchanges} (reference: {ReferenceExchanges})");
        sb.AppendLine(inv, $"matches: {Matches}");
        sb.AppendLine(inv, $"desyncs: {Desyncs}");
        sb.AppendLine(inv, $"reference desyncs: {ReferenceDesyncs}");
        sb.AppendLine(inv, $"explained divergences: {Explained}");
        sb.AppendLine(inv, $"reference defects: {ReferenceDefects}");
        sb.AppendLine(inv, $"unexplained divergences: {Unexplained}");
        sb.AppendLine(inv, $"inconclusive (a side timed out on a script that finishes in time): {Inconclusive}");
        foreach (var (reason, count) in _byReason.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.AppendLine(inv, $"  {count,9}  {reason}");
        if (withSamples)
        {
            foreach (var verdict in new[] { Verdict.Desync, Verdict.Unexplained, Verdict.Inconclusive, Verdict.ReferenceDesync })
            {
                foreach (var f in Samples.Where(f => f.Verdict == verdict).Take(25)) sb.AppendLine(f.ToString());
            }
        }
        return sb.ToString();
    }
}
