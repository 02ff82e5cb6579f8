using System.Buffers;
using BenchmarkDotNet.Attributes;
using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Benchmarks;

/// <summary>
/// The response side of a JSON endpoint once the backend bodies are in memory: decode (BackendDecoder), entity
/// formatting (allow + mapping, EntityFormatter), the parallel merge (MergeProxy) and rendering with GoJsonWriter.
/// The HTTP exchange is left out on purpose: bench/run measures it end to end. Allocated bytes per operation are
/// the "allocations per request" figure of issue 6 (target: under 2 KB for a filtered 1 KB body).
/// </summary>
[MemoryDiagnoser]
public class ResponseStepBenchmarks
{
    private byte[] _user = [];
    private byte[] _stock = [];
    private EntityFormatter _filter = null!;
    private MergeProxy _merge = null!;
    private readonly ArrayBufferWriter<byte> _output = new(256 * 1024);
    // Chosen once per backend, as BackendProxy does.
    private static readonly BackendDecoder Json = BackendDecoder.For(Encodings.Json, isCollection: false);

    /// <summary>Approximate size of each backend body in bytes.</summary>
    [Params(1024, 100 * 1024)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _user = Bodies.User(BodyBytes);
        _stock = Bodies.Stock(BodyBytes);
        var filtered = new BackendConfig
        {
            UrlPattern = "/user",
            Allow = ["id", "name", "address.city", "items"],
            Mapping = [new("name", "title")],
        };
        _filter = EntityFormatter.Create(filtered) ?? throw new InvalidOperationException("the filter backend needs a formatter");
        var userPart = new DecodedPart(_user, EntityFormatter.Create(new BackendConfig { UrlPattern = "/user", Group = "user" }));
        var stockPart = new DecodedPart(_stock, EntityFormatter.Create(new BackendConfig { UrlPattern = "/stock", Deny = ["warehouse"] }));
        _merge = new MergeProxy([userPart, stockPart], TimeSpan.FromSeconds(3));
    }

    /// <summary>One backend, allow + mapping, rendered (the bench/run "filter" endpoint's work minus HTTP).</summary>
    [Benchmark(Baseline = true)]
    public int Filter()
    {
        using var scope = new RequestScope();
        // BackendProxy's path: an allow-list prunes straight from the document.
        var data = EntityFormatter.DecodeAndFormat(_filter, Json, _user, scope, out var error)
            ?? throw new InvalidOperationException("decode failed: " + error);
        _output.ResetWrittenCount();
        GoJsonWriter.Write(_output, data);
        return _output.WrittenCount;
    }

    /// <summary>Two backends (group + deny) merged by MergeProxy and rendered.</summary>
    [Benchmark]
    public async Task<int> Merge()
    {
        using var scope = new RequestScope();
        var request = new ProxyRequest { Method = "GET", Params = [], Headers = [], Query = [], Scope = scope };
        var (response, error) = await _merge.InvokeAsync(request, CancellationToken.None);
        if (response is null || error is not null) throw new InvalidOperationException("merge failed: " + error?.Message);
        _output.ResetWrittenCount();
        GoJsonWriter.Write(_output, response.Data);
        return _output.WrittenCount;
    }

    /// <summary>The last rendered body, for the "check" command.</summary>
    public string LastOutput() => System.Text.Encoding.UTF8.GetString(_output.WrittenSpan);

    /// <summary>What BackendProxy does after the HTTP call: decode the body, then format it.</summary>
    private sealed class DecodedPart(byte[] body, EntityFormatter? formatter) : IProxy
    {
        public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
        {
            var data = EntityFormatter.DecodeAndFormat(formatter, Json, body, request.Scope, out var error);
            if (data is null) return ValueTask.FromResult(ProxyResult.Fail(new ProxyError(error ?? "decode failed")));
            return ValueTask.FromResult(ProxyResult.Ok(new ProxyResponse(data, isComplete: true)));
        }
    }
}
