namespace Cuttle.Gateway.Backends.Http1;

/// <summary>What follows the request head.</summary>
internal enum BackendBodyKind
{
    /// <summary>No body and no Content-Length (GET, HEAD, DELETE, ...).</summary>
    None,

    /// <summary>An empty body announced as Content-Length: 0 (Go does this for an empty POST/PUT/PATCH).</summary>
    Empty,

    /// <summary>A body already in memory.</summary>
    Bytes,

    /// <summary>The client's body, streamed.</summary>
    Stream,
}
