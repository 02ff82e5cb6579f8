namespace Cuttle.Gateway.Data;

/// <summary>
/// A backend or pipeline failure carried as data, never thrown across a request. Mirrors lura's error kinds: a plain
/// error (500), or one carrying its own status and encoding (return_error_code, json-schema, ...).
/// </summary>
internal sealed class ProxyError(string message, int statusCode = 0, string? contentType = null)
{
    public string Message { get; } = message;

    /// <summary>The status the router should answer with; 0 means KrakenD's default, 500.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>Content-Type of <see cref="Message"/> when it is a backend body (return_error_code).</summary>
    public string? ContentType { get; } = contentType;

    public override string ToString() => Message;

    public static ProxyError Combine(List<ProxyError> errors)
    {
        if (errors.Count == 1) return errors[0];
        // lura's mergeError joins the messages with a newline.
        var parts = new string[errors.Count];
        for (var i = 0; i < parts.Length; i++) parts[i] = errors[i].Message;
        return new ProxyError(string.Join('\n', parts));
    }
}
