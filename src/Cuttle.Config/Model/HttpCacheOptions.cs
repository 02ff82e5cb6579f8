namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."qos/http-cache" (alias github.com/devopsfaith/krakend-httpcache), backend level: an in-memory
/// RFC 9111 cache of the backend's responses. An empty block is a cache with the default bounds.
/// </summary>
public sealed record HttpCacheOptions
{
    /// <summary>
    /// krakend-httpcache: every backend with shared set uses one store (a request to the same URL is answered from
    /// whichever backend stored it). Cuttle also applies RFC 9111's shared-cache rules then: <c>private</c>
    /// responses are not stored, <c>s-maxage</c> wins over <c>max-age</c>, and an Authorization request is only
    /// answered from a response that allows it.
    /// </summary>
    public bool Shared { get; init; }

    /// <summary>Bytes the store may hold (status line, headers and body of each response); 0 when not set.</summary>
    public long MaxSize { get; init; }

    /// <summary>Responses the store may hold; 0 when not set.</summary>
    public long MaxItems { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
