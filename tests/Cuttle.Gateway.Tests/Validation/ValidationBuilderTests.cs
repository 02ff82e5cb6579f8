using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;
using Cuttle.Gateway.Validation;

namespace Cuttle.Gateway.Tests.Validation;

public sealed class ValidationBuilderTests
{
    private sealed class Next : IProxy
    {
        public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(ProxyResult.Ok(ProxyResponse.Empty(true)));
    }

    [Fact]
    public void An_unresolvable_ref_is_a_build_error_naming_the_endpoint_and_its_file_line_and_column()
    {
        using var schema = JsonDocument.Parse("""{"properties":{"a":{"$ref":"#/definitions/missing"}}}""");
        var endpoint = new EndpointConfig
        {
            Endpoint = "/orders",
            Method = "POST",
            JsonSchema = schema.RootElement.Clone(),
            Location = new SourceLocation("krakend.json", 12, 7, "$.endpoints[0]"),
        };

        var ex = Assert.Throws<GatewayBuildException>(() => ValidationBuilder.WrapJsonSchema(new Next(), endpoint));

        Assert.Contains("endpoint POST /orders: invalid validation/json-schema (krakend.json:12:7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("#/definitions/missing", ex.Message, StringComparison.Ordinal);
    }
}
