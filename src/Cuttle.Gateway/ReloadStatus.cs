namespace Cuttle.Gateway;

/// <summary>
/// What the host knows about its reloads, as one immutable snapshot: the live generation and the outcome of the last
/// attempt. The host replaces the whole record (<see cref="ReloadStatusSource"/>) after every swap or rejection; the
/// debug details of /__health are written from whichever record is current, so a reader never sees half an update.
/// </summary>
/// <param name="Generation">Number of the live generation.</param>
/// <param name="ConfigHash">Content hash of the live generation's configuration.</param>
/// <param name="LoadedAt">When the live generation was built.</param>
/// <param name="Reloads">Reloads that swapped in a new generation.</param>
/// <param name="RejectedReloads">Reloads refused (the live generation kept serving).</param>
/// <param name="LastReloadError">Why the last attempt was refused, credentials already masked; null after a success.</param>
/// <param name="LastReloadAttempt">When a reload was last attempted, successful or not; null before the first.</param>
/// <param name="SocketTransport">The listener's socket transport: "cuttle" (the gateway's) or "kestrel".</param>
public sealed record ReloadStatus(
    long Generation,
    string ConfigHash,
    DateTimeOffset LoadedAt,
    long Reloads,
    long RejectedReloads,
    string? LastReloadError,
    DateTimeOffset? LastReloadAttempt,
    string SocketTransport);
