using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using Cuttle.Hosting;

namespace Cuttle.Tests.Hosting;

public sealed class SecretMaskTests
{
    [Theory]
    [InlineData("host http://user:secret@db.internal:5432 not valid", "host http://user:xxxxx@db.internal:5432 not valid")]
    [InlineData("postgres://admin:p%40ss@10.0.0.1/db", "postgres://admin:xxxxx@10.0.0.1/db")]
    [InlineData("amqp://guest:guest@rabbit:5672/ and https://a:b@c", "amqp://guest:xxxxx@rabbit:5672/ and https://a:xxxxx@c")]
    [InlineData("http://user@host:80/ keeps a user without a password", "http://user@host:80/ keeps a user without a password")]
    [InlineData("http://backend:8080/path", "http://backend:8080/path")]
    public void URL_passwords_are_masked_as_Go_redacts_them(string text, string expected) =>
        Assert.Equal(expected, SecretMask.Apply(text));

    [Theory]
    [InlineData("""{"client_secret": "s3cr3t", "client_id": "app"}""", """{"client_secret": "xxxxx", "client_id": "app"}""")]
    [InlineData("""{"password":"hunter2"}""", """{"password":"xxxxx"}""")]
    [InlineData("api_key=abc123&x=1", "api_key=xxxxx&x=1")]
    [InlineData("Authorization: Bearer eyJhbGciOi.x.y", "Authorization: xxxxx")]
    [InlineData("X-Api-Key: k-123", "X-Api-Key: xxxxx")]
    [InlineData("token: 'abc'", "token: 'xxxxx'")]
    [InlineData("""{"token_url": "https://idp/token", "key_identifier": "kid"}""", """{"token_url": "https://idp/token", "key_identifier": "kid"}""")]
    public void Values_of_keys_that_name_a_secret_are_masked(string text, string expected) =>
        Assert.Equal(expected, SecretMask.Apply(text));

    [Fact]
    public void A_diagnostic_about_a_secret_value_masks_the_value_it_quotes()
    {
        var d = new ConfigDiagnostic(DiagnosticSeverity.Error, "\"client_secret\" must be a string, got the string \"hunter2\" here",
            new SourceLocation("/etc/krakend/krakend.json", 3, 7, "endpoints[0].extra_config[\"auth/client-credentials\"].client_secret"));

        var text = SecretMask.Apply(d);

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.StartsWith("/etc/krakend/krakend.json:3:7: error:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_diagnostic_about_an_ordinary_value_is_printed_as_it_is()
    {
        var d = new ConfigDiagnostic(DiagnosticSeverity.Error, "\"port\" must be an integer, got the string \"80a\"",
            new SourceLocation("krakend.json", 1, 2, "port"));

        Assert.Equal(d.ToString(), SecretMask.Apply(d));
    }
}
