using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace Cuttle.Gateway.Discovery;

/// <summary>One SRV answer.</summary>
internal readonly record struct SrvRecord(ushort Priority, ushort Weight, ushort Port, string Target);

/// <summary>
/// SRV lookups for sd: dns, which is Go's net.LookupSRV in KrakenD. .NET has no SRV API; DnsClient replaced a
/// hand-written UDP client because it falls back to TCP on a truncated answer (an SRV set over 512 bytes failed before),
/// retries a lost datagram, and rejects malformed answers as errors (bench/RESULTS.md, "sd: dns resolver").
/// Like Go's resolver it caches nothing itself (lura's dns_cache_ttl is the only cache) and asks the nameservers of
/// /etc/resolv.conf in order, 5 s per attempt, two attempts.
/// </summary>
internal sealed class DnsSrvResolver
{
    private readonly LookupClient _client;

    public DnsSrvResolver(IPEndPoint nameserver, TimeSpan timeout, int attempts = 2)
        : this([nameserver], timeout, attempts)
    {
    }

    public DnsSrvResolver(IReadOnlyList<IPEndPoint> nameservers, TimeSpan timeout, int attempts = 2)
    {
        Nameservers = nameservers;
        var servers = new NameServer[nameservers.Count];
        for (var i = 0; i < servers.Length; i++) servers[i] = new NameServer(nameservers[i]);
        _client = new LookupClient(new LookupClientOptions(servers)
        {
            UseCache = false,
            Timeout = timeout,
            Retries = Math.Max(0, attempts - 1),
            UseTcpFallback = true,
            UseRandomNameServer = false,
            // An error answer (NXDOMAIN, SERVFAIL) is returned, not thrown, and ends the lookup as Go's does.
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
        });
    }

    public IReadOnlyList<IPEndPoint> Nameservers { get; }

    /// <summary>
    /// The nameserver named by CUTTLE_DNS_SERVER (host:port, read each time a backend is built), else those of
    /// /etc/resolv.conf, else 127.0.0.1:53 as Go's resolver falls back to.
    /// </summary>
    public static DnsSrvResolver FromSystem() => FromSystem(TimeSpan.FromSeconds(5), "/etc/resolv.conf");

    internal static DnsSrvResolver FromSystem(TimeSpan timeout, string resolvConf)
    {
        if (Environment.GetEnvironmentVariable("CUTTLE_DNS_SERVER") is { Length: > 0 } forced && IPEndPoint.TryParse(forced, out var ep))
            return new DnsSrvResolver(ep.Port == 0 ? new IPEndPoint(ep.Address, 53) : ep, timeout);
        var servers = new List<IPEndPoint>();
        try
        {
            foreach (var line in File.ReadLines(resolvConf))
            {
                var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts[0] == "nameserver" && IPAddress.TryParse(parts[1], out var ip)) servers.Add(new IPEndPoint(ip, 53));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        if (servers.Count == 0) servers.Add(new IPEndPoint(IPAddress.Loopback, 53));
        return new DnsSrvResolver(servers, timeout);
    }

    /// <summary>The SRV records of <paramref name="name"/>; a failed lookup throws <see cref="DnsException"/>.</summary>
    public async Task<IReadOnlyList<SrvRecord>> LookupAsync(string name, CancellationToken ct)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, QueryType.SRV, QueryClass.IN, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is DnsResponseException or DnsXidMismatchException or DnsResponseParseException or SocketException
            or IOException or OperationCanceledException or ArgumentException or InvalidOperationException)
        {
            // Timeouts, malformed answers and mismatched ids (each already retried) become one error type for the caller.
            throw new DnsException($"lookup {name}: {ex.Message}");
        }
        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain) throw new DnsException($"lookup {name}: no such host");
        if (response.HasError) throw new DnsException($"lookup {name}: server answered {response.ErrorMessage}");
        var records = new List<SrvRecord>(response.Answers.Count);
        foreach (var answer in response.Answers)
        {
            if (answer is DnsClient.Protocol.SrvRecord srv) records.Add(new SrvRecord(srv.Priority, srv.Weight, srv.Port, srv.Target.Value));
        }
        return records;
    }
}

/// <summary>A DNS lookup that failed: the message says why, in Go's words where it can.</summary>
internal sealed class DnsException(string message) : Exception(message);
