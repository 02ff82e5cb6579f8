namespace Cuttle.Hosting;

/// <summary>Result of one reload attempt.</summary>
internal readonly record struct ReloadOutcome(bool Applied, long Generation, string? Error, TimeSpan BuildTime, EndpointDiff Diff);
