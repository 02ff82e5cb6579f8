using Xunit;

namespace Cuttle.Conformance.Tests;

public sealed class SpecComparerTests
{
    private static ConformanceSpec Spec(string outJson) =>
        ConformanceSpec.Parse("t", "{\"in\":{\"url\":\"http://localhost:1/\"},\"out\":" + outJson + "}");

    private static GoResponse Response(string body, params (string Key, string Value)[] headers)
    {
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (k, v) in headers)
        {
            if (!map.TryGetValue(k, out var list))
            {
                map[k] = list = [];
            }

            list.Add(v);
        }

        return new GoResponse(200, map, System.Text.Encoding.UTF8.GetBytes(body));
    }

    [Fact]
    public async Task StringBody_IsComparedByteForByte()
    {
        var spec = Spec("{\"status_code\":200,\"body\":\"{\\\"a\\\":1}\"}");

        Assert.Empty(await SpecComparer.CompareAsync(spec, Response("{\"a\":1}")));
        Assert.Single(await SpecComparer.CompareAsync(spec, Response("{\"a\":1}\n")));
    }

    [Fact]
    public async Task JsonBody_IsComparedAsValues()
    {
        var spec = Spec("{\"status_code\":200,\"body\":{\"b\":[1,2],\"a\":1}}");

        Assert.Empty(await SpecComparer.CompareAsync(spec, Response("{\"a\":1.0,\"b\":[1,2]}\n")));
        Assert.Single(await SpecComparer.CompareAsync(spec, Response("{\"a\":1,\"b\":[2,1]}")));
    }

    [Fact]
    public async Task EmptyStringHeader_MeansAbsent()
    {
        var spec = Spec("{\"status_code\":200,\"header\":{\"cache-control\":[\"\"],\"content-type\":[\"text/plain\"]}}");

        Assert.Empty(await SpecComparer.CompareAsync(spec, Response(string.Empty, ("Content-Type", "text/plain"))));
        var errors = await SpecComparer.CompareAsync(spec, Response(string.Empty, ("Cache-Control", "public"), ("Content-Type", "text/plain; charset=utf-8")));
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public async Task Schema_IsUsedInsteadOfBody()
    {
        var spec = Spec("{\"status_code\":200,\"body\":\"ignored\",\"schema\":{\"type\":\"object\",\"required\":[\"foo\"],\"properties\":{\"foo\":{\"type\":\"integer\"}}}}");

        Assert.Empty(await SpecComparer.CompareAsync(spec, Response("{\"foo\":42}")));
        Assert.NotEmpty(await SpecComparer.CompareAsync(spec, Response("{\"foo\":\"x\"}")));
        Assert.Equal(["cannot validate empty body"], await SpecComparer.CompareAsync(spec, Response(string.Empty)));
    }
}
