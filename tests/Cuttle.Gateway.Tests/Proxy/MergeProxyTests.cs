using System.Buffers;
using System.Text;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Tests.Proxy;

public sealed class MergeProxyTests
{
    /// <summary>A backend whose answer the test releases, so the arrival order is the test's choice.</summary>
    private sealed class HeldBackend(Func<RequestScope, ProxyResult> answer) : IProxy
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Release() => _release.SetResult();

        public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
        {
            await _release.Task.WaitAsync(cancellationToken);
            return answer(request.Scope);
        }
    }

    private static ProxyResult FromDocument(RequestScope scope, string json)
    {
        var response = BackendDecoder.DecodeJsonResponse(Encoding.UTF8.GetBytes(json), scope, out var error);
        Assert.Null(error);
        return ProxyResult.Ok(response!);
    }

    private static ProxyResult FromMap(params (string Key, object? Value)[] entries)
    {
        var map = DataTree.NewMap();
        foreach (var (k, v) in entries) map[k] = v;
        return ProxyResult.Ok(new ProxyResponse(map, isComplete: true));
    }

    private static async Task<(ProxyResult Result, string Json)> Merge(IProxy[] backends, params HeldBackend[] releaseOrder)
    {
        using var scope = new RequestScope();
        var request = new ProxyRequest { Method = "GET", Params = [], Headers = [], Query = new List<KeyValuePair<string, StringValues>>(), Scope = scope };
        var merging = new MergeProxy(backends, TimeSpan.FromSeconds(10)).InvokeAsync(request, CancellationToken.None).AsTask();
        foreach (var backend in releaseOrder)
        {
            backend.Release();
            await Task.Delay(50); // let the part arrive before the next one is released
        }
        var result = await merging;
        var buffer = new ArrayBufferWriter<byte>();
        if (result.Response is not null) GoJsonWriter.Write(buffer, result.Response.Data);
        return (result, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData(true, """{"a":1,"b":2,"shared":"from b"}""")]
    [InlineData(false, """{"a":1,"b":2,"shared":"from a"}""")]
    public async Task Parts_still_in_their_documents_merge_in_arrival_order_and_the_later_one_wins(bool aFirst, string expected)
    {
        var a = new HeldBackend(s => FromDocument(s, """{"a":1,"shared":"from a"}"""));
        var b = new HeldBackend(s => FromDocument(s, """{"b":2,"shared":"from b"}"""));

        var (result, json) = await Merge([a, b], aFirst ? [a, b] : [b, a]);

        Assert.Equal(expected, json);
        Assert.True(result.Response!.IsComplete);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task A_part_in_a_document_and_a_part_already_in_a_map_merge_alike()
    {
        HeldBackend Doc() => new(s => FromDocument(s, """{"k":"doc","d":true,"k":"doc, last duplicate"}"""));
        HeldBackend Map() => new(_ => FromMap(("m", "map"), ("k", "map")));

        var (doc, map) = (Doc(), Map());
        var (_, mapLast) = await Merge([doc, map], doc, map);
        (doc, map) = (Doc(), Map());
        var (_, docLast) = await Merge([doc, map], map, doc);

        Assert.Equal("""{"d":true,"k":"map","m":"map"}""", mapLast);
        // Within one document the last of a duplicate key counts, as Go's decoder keeps it.
        Assert.Equal("""{"d":true,"k":"doc, last duplicate","m":"map"}""", docLast);
    }

    [Fact]
    public async Task A_failed_part_leaves_the_others_data_and_an_incomplete_response()
    {
        var ok = new HeldBackend(s => FromDocument(s, """{"ok":1}"""));
        var failed = new HeldBackend(_ => ProxyResult.Fail(new ProxyError("backend down")));

        var (result, json) = await Merge([ok, failed], failed, ok);

        Assert.Equal("""{"ok":1}""", json);
        Assert.False(result.Response!.IsComplete);
        Assert.Equal("backend down", result.Error!.Message);
    }

    [Fact]
    public void A_json_body_that_is_not_an_object_decodes_as_before()
    {
        using var scope = new RequestScope();

        var nullBody = BackendDecoder.DecodeJsonResponse("null"u8.ToArray(), scope, out var nullError);
        var array = BackendDecoder.DecodeJsonResponse("[1]"u8.ToArray(), scope, out var arrayError);
        var broken = BackendDecoder.DecodeJsonResponse("{"u8.ToArray(), scope, out var brokenError);

        Assert.Null(nullError);
        Assert.Equal(0, nullBody!.DataCount);
        Assert.Null(array);
        Assert.Equal("json: cannot unmarshal array into Go value of type map[string]interface {}", arrayError);
        Assert.Null(broken);
        Assert.StartsWith("invalid JSON from backend", brokenError);
    }
}
