using Xunit;

namespace Cuttle.Conformance.Tests;

public sealed class ConformanceSpecTests
{
    [SkippableFact]
    public void EverySpecFile_ParsesAndTargetsTheRewrittenGatewayPort()
    {
        var names = KrakendFixtures.SpecNames();
        Skip.If(names.Count == 0, KrakendFixtures.MissingMessage);

        foreach (var name in names)
        {
            var text = File.ReadAllText(Path.Combine(KrakendFixtures.SpecsDirectory, name + ".json"));
            var spec = ConformanceSpec.Parse(name, FixturePorts.Rewrite(text, 40001, 40002));

            Assert.StartsWith("http://localhost:40001/", spec.Url, StringComparison.Ordinal);
            Assert.InRange(spec.StatusCode, 200, 599);
            Assert.DoesNotContain(":8081", text.Replace("127.0.0.1:8081", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_ReadsRequestAndExpectation()
    {
        var spec = ConformanceSpec.Parse("x", """
            {"in":{"url":"http://localhost:1/a","header":{"x-a":"1"},"body":{"foo":42}},
             "out":{"status_code":201,"header":{"content-type":["text/plain"]},"body":"ok"}}
            """);

        Assert.Equal("GET", spec.Method);
        Assert.Equal("{\"foo\":42}", System.Text.Encoding.UTF8.GetString(spec.RequestBody!));
        Assert.Equal(201, spec.StatusCode);
        Assert.Equal("ok", spec.Body!.Value.GetString());
        Assert.Equal(["text/plain"], spec.Headers[0].Value);
        Assert.Null(spec.Schema);
    }
}
