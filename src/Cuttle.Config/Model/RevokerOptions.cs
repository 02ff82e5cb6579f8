using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."auth/revoker" (alias github_com/devopsfaith/bloomfilter), service level: a rotating set of bloom
/// filters of revoked tokens that every auth/validator consults. KrakenD feeds it through a Go net/rpc server on
/// <see cref="Port"/>; Cuttle has no Go RPC and instead offers an HTTP endpoint on <see cref="AdminAddress"/>
/// (the Cuttle key cuttle_admin_address, off when absent).
/// </summary>
public sealed record RevokerOptions
{
    /// <summary>Expected number of revoked tokens per filter.</summary>
    public long N { get; init; }

    /// <summary>Wanted false-positive probability, 0 &lt; p &lt; 1.</summary>
    public double P { get; init; }

    /// <summary>"default" (MD5, CRC64, SHA1, FNV64, FNV128) or "optimal" (double hashing over FNV128).</summary>
    public string HashName { get; init; } = "default";

    /// <summary>Rotation period in seconds: a revocation is remembered between one and two periods.</summary>
    public long TtlSeconds { get; init; }

    /// <summary>Claims whose "claim-value" is looked up in the filters (string claims only).</summary>
    public ImmutableArray<string> TokenKeys { get; init; } = [];

    /// <summary>KrakenD's RPC port; read for compatibility, not listened on.</summary>
    public int Port { get; init; }

    /// <summary>"ip:port" of Cuttle's HTTP revocation endpoint; null keeps it off.</summary>
    public string? AdminAddress { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
