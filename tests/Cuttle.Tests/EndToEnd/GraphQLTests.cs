using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// backend/graphql over real sockets: a Kestrel backend records the request the gateway built from the client's
/// (method, query string, Content-Type, body), on both backend transports.
/// </summary>
public sealed class GraphQLTests
{
    private const string Query = "query($id: ID!) { user(id: $id) { name } }";

    private static string Host(FakeBackend backend, bool sockets) =>
        sockets ? backend.Url.Replace("http://", "http://user:pw@", StringComparison.Ordinal) : backend.Url;

    private static string Config(string endpoint, string method, string backendUrl, string graphql) => $$"""
        { "version": 3, "endpoints": [ { "endpoint": "{{endpoint}}", "method": "{{method}}", "input_headers": ["X-Keep"],
          "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/graphql", "method": "PUT", "disable_host_sanitize": true,
            "extra_config": { "backend/graphql": {{graphql}} } } ] } ] }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_post_query_sends_the_json_body_with_variables_from_the_url_params(bool sockets)
    {
        await using var backend = await FakeBackend.JsonAsync("""{"data":{"user":{"name":"ann"}}}""");
        await using var gw = await GatewayHarness.StartAsync(Config("/users/{id}", "GET", Host(backend, sockets), $$"""
            { "type": "query", "method": "POST", "query": "{{Query}}", "operationName": "u",
              "variables": { "id": "{id}", "limit": 10, "ratio": 1.50, "tags": ["a<b"], "opts": { "z": true, "a": null } } }
            """));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/users/42");
        request.Headers.Add("X-Keep", "1");
        var response = await gw.Client.SendAsync(request);

        Assert.Equal("""{"data":{"user":{"name":"ann"}}}""", await response.Content.ReadAsStringAsync());
        var seen = Assert.Single(backend.Requests);
        Assert.Equal(("POST", "/graphql"), (seen.Method, seen.PathAndQuery));
        Assert.Equal("application/json", seen.Headers["Content-Type"]);
        Assert.Equal("1", seen.Headers["X-Keep"]);
        // Go's json.Marshal: struct order, then the variables map sorted, numbers as float64, HTML-safe strings.
        Assert.Equal("{\"query\":\"query($id: ID!) { user(id: $id) { name } }\",\"operationName\":\"u\"," +
            "\"variables\":{\"id\":\"42\",\"limit\":10,\"opts\":{\"a\":null,\"z\":true},\"ratio\":1.5,\"tags\":[\"a\\u003cb\"]}}", seen.Body);
        Assert.Equal(seen.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), seen.Headers["Content-Length"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_get_query_sends_query_operation_and_variables_in_the_query_string(bool sockets)
    {
        await using var backend = await FakeBackend.JsonAsync("""{"data":{}}""");
        await using var gw = await GatewayHarness.StartAsync(Config("/users/{id}", "GET", Host(backend, sockets), $$"""
            { "type": "query", "method": "get", "query": "{{Query}}", "operationName": "u", "variables": { "id": "{id}" } }
            """));

        var response = await gw.Client.GetAsync("/users/7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(backend.Requests);
        Assert.Equal("GET", seen.Method);
        Assert.Equal("/graphql?operationName=u&query=query%28%24id%3A+ID%21%29+%7B+user%28id%3A+%24id%29+%7B+name+%7D+%7D&variables=%7B%22id%22%3A%227%22%7D",
            seen.PathAndQuery);
        Assert.Equal("", seen.Body);
        Assert.Equal("application/json", seen.Headers["Content-Type"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_mutation_takes_its_variables_from_the_client_body_over_the_configured_ones(bool sockets)
    {
        await using var backend = await FakeBackend.JsonAsync("""{"data":{}}""");
        await using var gw = await GatewayHarness.StartAsync(Config("/reviews", "POST", Host(backend, sockets), """
            { "type": "mutation", "query": "mutation($r: Review) { add(r: $r) }",
              "variables": { "stars": 5, "by": "config", "kept": "{id}" } }
            """));

        var response = await gw.Client.PostAsync("/reviews", new StringContent("""{"by":"client","extra":{"b":2,"a":1}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(backend.Requests);
        Assert.Equal("POST", seen.Method);
        Assert.Equal("{\"query\":\"mutation($r: Review) { add(r: $r) }\",\"variables\":{\"by\":\"client\",\"extra\":{\"a\":1,\"b\":2},\"kept\":\"{id}\",\"stars\":5}}", seen.Body);
    }

    [Fact]
    public async Task The_query_can_come_from_query_path_and_a_mutation_without_a_json_body_fails()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"data":{}}""");
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "{ ping }\n");
            await using var gw = await GatewayHarness.StartAsync($$"""
                { "version": 3, "endpoints": [
                  { "endpoint": "/ping", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/graphql",
                      "extra_config": { "backend/graphql": { "type": "query", "query_path": "{{file}}" } } } ] },
                  { "endpoint": "/mutate", "method": "POST", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/graphql",
                      "extra_config": { "backend/graphql": { "type": "mutation", "query": "mutation { x }" } } } ] } ] }
                """);

            Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/ping")).StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.PostAsync("/mutate", new StringContent("[1]"))).StatusCode);
            var seen = Assert.Single(backend.Requests);
            Assert.Equal(("POST", "{\"query\":\"{ ping }\\n\"}"), (seen.Method, seen.Body));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
