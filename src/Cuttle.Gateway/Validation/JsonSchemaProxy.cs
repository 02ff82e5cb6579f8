using System.Text;
using System.Text.Json;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// validation/json-schema (krakend-jsonschema newProxy): the whole request body is read and validated before the rest
/// of the pipe runs. A missing or empty body is "could not validate an empty body"; a body that is not JSON or does
/// not satisfy the schema fails with one "- error" line per problem. All of them answer 400 (the errors carry it).
/// </summary>
internal sealed class JsonSchemaProxy(IProxy next, JsonSchemaValidator schema) : IProxy
{
    private static readonly ProxyResult EmptyBody = new(null, new ProxyError("could not validate an empty body", 400));
    private static readonly ProxyResult PatternTimeout = new(null, new ProxyError("- (root): a pattern took too long to match", 400));

    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken)
    {
        // The backend still gets the body: KrakenD puts the bytes it read back into the request.
        var body = await request.BufferBodyAsync(cancellationToken).ConfigureAwait(false);
        if (body is null || body.Length == 0) return EmptyBody;

        List<string> errors;
        try
        {
            using var doc = JsonDocument.Parse(body);
            errors = schema.Validate(doc.RootElement);
        }
        catch (JsonException ex)
        {
            return new ProxyResult(null, new ProxyError("- (root): invalid JSON: " + ex.Message, 400));
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            // A schema "pattern" that backtracks without end on this body (the host bounds every Regex): the body could
            // not be shown valid, so it is refused, and the thread is free again.
            return PatternTimeout;
        }
        if (errors.Count == 0) return await next.InvokeAsync(request, cancellationToken).ConfigureAwait(false);

        var message = new StringBuilder();
        foreach (var e in errors)
        {
            if (message.Length > 0) message.Append('\n');
            // gojsonschema's ResultError.String() shape: "- field: problem", the root named "(root)".
            message.Append("- ").Append(e);
        }
        return new ProxyResult(null, new ProxyError(message.ToString(), 400));
    }
}
