using System.Net;
using System.Text;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// The request body the gateway forwards reaches a backend handler that reads it itself (the test backend records the
/// body and still hands it to its handler).
/// </summary>
public sealed class BackendBodyEchoTests
{
    [Fact]
    public async Task A_backend_handler_reads_the_forwarded_body()
    {
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("{\"echo\":" + System.Text.Json.JsonSerializer.Serialize(body) + "}");
        });
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [ { "endpoint": "/echo", "method": "POST",
              "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/e" } ] } ] }
            """);

        using var response = await gw.Client.PostAsync("/echo", new StringContent("{\"a\":1}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echoed = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("{\"a\":1}", echoed.RootElement.GetProperty("echo").GetString());
        Assert.Equal("{\"a\":1}", Assert.Single(backend.Requests).Body);
    }
}
