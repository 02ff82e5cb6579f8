using System.Collections.Immutable;

namespace Cuttle.Gateway;

/// <summary>
/// What the host's TLS listener serves, for the debug details of /__health: the certificates new handshakes use,
/// how many file changes were applied or refused, and why the last one was refused (null after a success).
/// </summary>
public sealed record TlsStatus(
    ImmutableArray<TlsCertificateStatus> Certificates,
    long Rotations,
    long RejectedRotations,
    string? LastError,
    DateTimeOffset? LastErrorAt);

/// <summary>One served certificate: its subject, serial number (hex), expiry and the file it was read from.</summary>
public sealed record TlsCertificateStatus(string Subject, string Serial, DateTimeOffset NotAfter, string File);
