namespace Cuttle.Conformance.Tests;

/// <summary>A response as Go's client hands it over: status, canonical header map (raw values, one per line) and the decoded body.</summary>
internal sealed record GoResponse(int StatusCode, IReadOnlyDictionary<string, List<string>> Headers, byte[] Body);
