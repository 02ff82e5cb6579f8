using System.Net;
using System.Text;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Endpoints;

/// <summary>output_encoding no-op: the backend's answer passes through, fed by an in-memory backend.</summary>
public sealed class NoOpEndpointHandlerTests
{
    private static NoOpEndpointHandler CreateSut(InMemoryBackend backend, string method = "GET", string extra = "")
    {
        var config = Parse($$"""
            { "version": 3, {{extra}} "endpoints": [ { "endpoint": "/p", "method": "{{method}}", "output_encoding": "no-op",
              "backend": [ { "host": ["http://backend.test"], "url_pattern": "/up", "encoding": "no-op" } ] } ] }
            """);
        return new NoOpEndpointHandler(config.Endpoints[0], new BackendTransport(new HttpMessageInvoker(backend)), config.Router, NullLogger.Instance);
    }

    private static async Task<(HttpResponse Response, string Body)> Handle(NoOpEndpointHandler handler, string method = "GET", string? body = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/p";
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            context.Request.ContentLength = body.Length;
            context.Request.ContentType = "text/plain";
        }
        var output = new MemoryStream();
        context.Response.Body = output;
        await handler.HandleAsync(context, []);
        await context.Response.CompleteAsync();
        return (context.Response, Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task TheBackendsStatusHeadersAndBody_PassThroughUntouched()
    {
        var backend = new InMemoryBackend(_ => new HttpResponseMessage((HttpStatusCode)418)
        {
            Headers = { { "X-Backend", "teapot" } },
            Content = new StringContent("<short and stout>", Encoding.UTF8, "text/html"),
        });

        var (response, body) = await Handle(CreateSut(backend));

        Assert.Equal(418, response.StatusCode);
        Assert.Equal("teapot", response.Headers["X-Backend"]);
        Assert.Equal("text/html; charset=utf-8", response.Headers.ContentType);
        Assert.Equal("false", response.Headers["X-Krakend-Completed"]);
        Assert.Equal("<short and stout>", body);
    }

    [Fact]
    public async Task AFailedBackendCall_Is500_WithoutTheErrorUnlessReturnErrorMsg()
    {
        var backend = new InMemoryBackend(_ => throw new HttpRequestException("connection refused"));

        var (response, body) = await Handle(CreateSut(backend));
        var (withMessage, message) = await Handle(CreateSut(backend, extra: """ "extra_config": {"router": {"return_error_msg": true}}, """));

        Assert.Equal((500, ""), (response.StatusCode, body));
        Assert.Equal("false", response.Headers["X-Krakend-Completed"]);
        Assert.Equal(500, withMessage.StatusCode);
        Assert.Contains("connection refused", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APost_ReachesTheBackendWithItsBody()
    {
        var backend = new InMemoryBackend(_ => new HttpResponseMessage(HttpStatusCode.Created));

        var (response, _) = await Handle(CreateSut(backend, "POST"), "POST", "hello");

        Assert.Equal(201, response.StatusCode);
        var call = Assert.Single(backend.Received);
        Assert.Equal(("POST", "hello"), (call.Method, call.Body));
    }
}
