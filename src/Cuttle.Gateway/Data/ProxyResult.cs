namespace Cuttle.Gateway.Data;

/// <summary>
/// The pair lura's proxies return: a response, an error, or both (a partial response). A response with an error is
/// rendered normally (200, incomplete); an error without a response is rendered as a failure.
/// </summary>
internal readonly record struct ProxyResult(ProxyResponse? Response, ProxyError? Error)
{
    public static ProxyResult Ok(ProxyResponse response) => new(response, null);
    public static ProxyResult Fail(ProxyError error) => new(null, error);
}
