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
/// /etc/resolv.conf in order, 5 s per attempt, two attempts. A name without a trailing dot goes through resolv.conf's
/// <c>search</c> list the way Go's dnsConfig.nameList orders it (see <see cref="NameList"/>), trying the next name
/// after any failed or empty answer, as Go's resolver does without <c>options edns0</c>-style strict errors.
/// </summary>
internal sealed class DnsSrvResolver
{
    private readonly LookupClient _client;

    public DnsSrvResolver(IPEndPoint nameserver, TimeSpan timeout, int attempts = 2)
        : this([nameserver], timeout, attempts)
    {
    }

    public DnsSrvResolver(IReadOnlyList<IPEndPoint> nameservers, TimeSpan timeout, int attempts = 2, IReadOnlyList<string>? search = null, int ndots = 1)
    {
        Nameservers = nameservers;
        Search = search ?? [];
        Ndots = ndots;
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

    /// <summary>resolv.conf's search domains, each rooted (ending in '.').</summary>
    public IReadOnlyList<string> Search { get; }

    /// <summary>resolv.conf's <c>options ndots:n</c> (Go's default 1, at most 15).</summary>
    public int Ndots { get; }

    /// <summary>
    /// The nameserver named by CUTTLE_DNS_SERVER (host:port, read each time a backend is built), else those of
    /// /etc/resolv.conf, else 127.0.0.1:53 as Go's resolver falls back to. The search list and ndots come from that
    /// file either way; CUTTLE_RESOLV_CONF names another file to read instead (a container's own, a test's).
    /// </summary>
    public static DnsSrvResolver FromSystem() =>
        FromSystem(TimeSpan.FromSeconds(5), Environment.GetEnvironmentVariable("CUTTLE_RESOLV_CONF") is { Length: > 0 } path ? path : "/etc/resolv.conf");

    internal static DnsSrvResolver FromSystem(TimeSpan timeout, string resolvConf)
    {
        var servers = new List<IPEndPoint>();
        List<string>? search = null;
        var ndots = 1;
        try
        {
            // Go's dnsReadConfig: the last "search" or "domain" line wins; "options ndots:n" is capped at 15.
            foreach (var line in File.ReadLines(resolvConf))
            {
                var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts[0] == "nameserver" && IPAddress.TryParse(parts[1], out var ip)) servers.Add(new IPEndPoint(ip, 53));
                else if (parts.Length >= 2 && parts[0] is "search" or "domain")
                {
                    search = [];
                    for (var i = 1; i < parts.Length && (parts[0] == "search" || i == 1); i++) search.Add(Rooted(parts[i]));
                }
                else if (parts.Length >= 2 && parts[0] == "options")
                {
                    foreach (var option in parts.AsSpan(1))
                        if (option.StartsWith("ndots:", StringComparison.Ordinal) && int.TryParse(option.AsSpan(6), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                            ndots = Math.Min(n, 15);
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        // Go's dnsDefaultSearch: without a search line, the domain of the host's name.
        search ??= DefaultSearch();
        if (Environment.GetEnvironmentVariable("CUTTLE_DNS_SERVER") is { Length: > 0 } forced && IPEndPoint.TryParse(forced, out var ep))
            return new DnsSrvResolver([ep.Port == 0 ? new IPEndPoint(ep.Address, 53) : ep], timeout, search: search, ndots: ndots);
        if (servers.Count == 0) servers.Add(new IPEndPoint(IPAddress.Loopback, 53));
        return new DnsSrvResolver(servers, timeout, search: search, ndots: ndots);
    }

    private static List<string> DefaultSearch()
    {
        string host;
        try
        {
            host = Dns.GetHostName();
        }
        catch (SocketException)
        {
            return [];
        }
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < host.Length - 1 ? [Rooted(host[(dot + 1)..])] : [];
    }

    private static string Rooted(string name) => name.EndsWith('.') ? name : name + ".";

    /// <summary>
    /// Go's dnsConfig.nameList: a rooted name is tried alone; otherwise the name as given first when it has at least
    /// ndots dots, then with each search domain appended, then as given if it was not tried first.
    /// </summary>
    internal List<string> NameList(string name)
    {
        if (name.EndsWith('.')) return [name];
        var dots = 0;
        foreach (var c in name) if (c == '.') dots++;
        var rooted = name + ".";
        var names = new List<string>(Search.Count + 1);
        if (dots >= Ndots) names.Add(rooted);
        foreach (var suffix in Search)
            if (rooted.Length + suffix.Length <= 254) names.Add(rooted + suffix);
        if (dots < Ndots) names.Add(rooted);
        return names;
    }

    /// <summary>
    /// The SRV records of <paramref name="name"/>, through the search list: the first name answering with records
    /// wins; when none does, the last name's outcome is returned (no records) or thrown (<see cref="DnsException"/>),
    /// named by the name as given, as Go reports it.
    /// </summary>
    public async Task<IReadOnlyList<SrvRecord>> LookupAsync(string name, CancellationToken ct)
    {
        var names = NameList(name);
        IReadOnlyList<SrvRecord> records = [];
        for (var i = 0; i < names.Count; i++)
        {
            try
            {
                records = await LookupOneAsync(names[i], ct).ConfigureAwait(false);
                if (records.Count > 0) return records;
            }
            catch (DnsException) when (i < names.Count - 1)
            {
                // Go's resolver goes on with the next name after any error.
            }
            catch (DnsException ex)
            {
                throw new DnsException(ex.Message.Replace("lookup " + names[i] + ":", "lookup " + name + ":", StringComparison.Ordinal));
            }
        }
        return records;
    }

    private async Task<IReadOnlyList<SrvRecord>> LookupOneAsync(string name, CancellationToken ct)
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
