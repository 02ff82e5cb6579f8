using System.Text;
using System.Text.Json;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// Real users' krakend.json files (../shared/realworld-configs) rewritten as YAML and as TOML: one gateway per
/// syntax, all three against the same backend, must answer every endpoint byte for byte the same.
/// </summary>
public sealed class ConfigFormatsTests
{
    /// <summary>../shared/realworld-configs/files beside the repository (the folder holding Cuttle.sln).</summary>
    private static string Corpus
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cuttle.sln")))
                dir = dir.Parent;
            return Path.Combine(dir?.Parent?.FullName ?? "/nonexistent", "shared", "realworld-configs", "files");
        }
    }

    private static Task<FakeBackend> EchoBackend() => FakeBackend.StartAsync(async ctx =>
    {
        ctx.Response.ContentType = "application/json";
        var body = "{\"method\":\"" + ctx.Request.Method + "\",\"path\":\"" + ctx.Request.Path + "\",\"query\":\"" + ctx.Request.QueryString
            + "\",\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}],\"data\":{\"id\":7,\"nested\":{\"x\":true}}}";
        await ctx.Response.WriteAsync(body);
    });

    [SkippableTheory]
    [InlineData("rendiffdev__ffmpeg-api__config_krakend.json")]
    [InlineData("nowoadisuryo__krakenD-example-configuration__config_krakend.json")]
    [InlineData("Ting-s515__KrakenD-training__krakend.json")]
    [InlineData("Gzeu__trusthire__krakend.json")]
    public async Task Yaml_and_toml_versions_serve_the_same_responses_as_the_json_original(string file)
    {
        var path = Path.Combine(Corpus, file);
        Skip.IfNot(File.Exists(path), "../shared/realworld-configs not present (fresh clone); skipping");
        await using var backend = await EchoBackend();
        using var original = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var config = ConfigFormatConverter.WithHosts(original.RootElement, backend.Url);

        await using var json = await GatewayHarness.StartAsync(config.GetRawText());
        await using var yaml = await GatewayHarness.StartAsync(ConfigFormatConverter.ToYaml(config), fileName: "krakend.yaml");
        await using var toml = await GatewayHarness.StartAsync(ConfigFormatConverter.ToToml(config), fileName: "krakend.toml");

        var requests = 0;
        foreach (var endpoint in config.GetProperty("endpoints").EnumerateArray())
        {
            var method = endpoint.TryGetProperty("method", out var m) ? m.GetString()! : "GET";
            var url = endpoint.GetProperty("endpoint").GetString()!.Replace("*", "rest", StringComparison.Ordinal);
            url = System.Text.RegularExpressions.Regex.Replace(url, "\\{[^}]+\\}", "1") + "?a=1&b=2";
            var expected = await Send(json, method, url);
            Assert.Equal(expected, await Send(yaml, method, url));
            Assert.Equal(expected, await Send(toml, method, url));
            requests++;
        }
        Assert.True(requests > 0);
    }

    private static async Task<string> Send(GatewayHarness gw, string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer not-a-token");
        if (method is "POST" or "PUT" or "PATCH")
            request.Content = new StringContent("""{"k":"v"}""", Encoding.UTF8, "application/json");
        using var response = await gw.Client.SendAsync(request);
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not ("Date" or "Content-Length"))
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => h.Key + ": " + string.Join(",", h.Value)));
        return $"{method} {url} → {(int)response.StatusCode}\n{headers}\n{await response.Content.ReadAsStringAsync()}";
    }
}
