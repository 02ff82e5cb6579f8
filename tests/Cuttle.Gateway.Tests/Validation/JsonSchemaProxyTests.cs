using System.Text;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;
using Cuttle.Gateway.Validation;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Tests.Validation;

public sealed class JsonSchemaProxyTests
{
    private sealed class Recorder : IProxy
    {
        public byte[]? SeenBody { get; private set; }
        public int Calls { get; private set; }

        public ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            SeenBody = request.BufferedBody;
            return ValueTask.FromResult(ProxyResult.Ok(ProxyResponse.Empty(true)));
        }
    }

    private static readonly JsonSchemaValidator Schema = JsonSchemaValidator.Compile(System.Text.Json.JsonDocument.Parse("""
        {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}}}
        """).RootElement);

    private static ProxyRequest Request(string? body, RequestScope scope) => new()
    {
        Method = "POST",
        Params = [],
        Headers = [],
        Query = new List<KeyValuePair<string, StringValues>>(),
        Body = body is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(body)),
        Scope = scope,
    };

    [Fact]
    public async Task ValidBody_IsPassedOnWithTheBodyIntact()
    {
        using var scope = new RequestScope();
        var next = new Recorder();

        var result = await new JsonSchemaProxy(next, Schema).InvokeAsync(Request("""{"name":"x","age":3}""", scope), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(1, next.Calls);
        Assert.Equal("""{"name":"x","age":3}""", Encoding.UTF8.GetString(next.SeenBody!));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task MissingOrEmptyBody_Is400CouldNotValidate(string? body)
    {
        using var scope = new RequestScope();
        var next = new Recorder();

        var result = await new JsonSchemaProxy(next, Schema).InvokeAsync(Request(body, scope), CancellationToken.None);

        Assert.Equal(400, result.Error!.StatusCode);
        Assert.Equal("could not validate an empty body", result.Error.Message);
        Assert.Equal(0, next.Calls);
    }

    [Theory]
    [InlineData("""{"age":3}""")]
    [InlineData("""{"name":"x","age":-1}""")]
    [InlineData("42")]
    [InlineData("{not json")]
    public async Task InvalidBody_Is400WithDashedErrorLines(string body)
    {
        using var scope = new RequestScope();
        var next = new Recorder();

        var result = await new JsonSchemaProxy(next, Schema).InvokeAsync(Request(body, scope), CancellationToken.None);

        Assert.Equal(400, result.Error!.StatusCode);
        Assert.NotEmpty(result.Error.Message);
        Assert.Equal(0, next.Calls);
    }
}
