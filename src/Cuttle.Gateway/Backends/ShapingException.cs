namespace Cuttle.Gateway.Backends;

/// <summary>
/// A backend request a middleware above the HTTP client could not build or a response it could not rewrite
/// (backend/graphql, modifier/martian). KrakenD returns such an error as it is, not wrapped in the client's
/// <c>Get "url": ...</c>, and the backend call fails with it.
/// </summary>
internal sealed class ShapingException(string message) : HttpRequestException(message);
