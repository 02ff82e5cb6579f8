namespace Cuttle.Tests.Differential;

/// <summary>How far an exchange got: a whole response, no response at all, or a response whose body failed part way.</summary>
public enum Stage
{
    Ok,
    Head,
    Body,
}

/// <summary>What a client received for one exchange.</summary>
public sealed record Outcome(string Id, Stage Stage, int Status, byte[] Body, string? Error)
{
    /// <summary>From sending the request to the end of the exchange (measured for the gateway's client only).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The error, shortened for reports (Go quotes whole bodies it could not parse as a head).</summary>
    public string? ShortError => Error is { Length: > 240 } e ? e[..240] + "…" : Error;

    public override string ToString() => Stage switch
    {
        Stage.Head => $"no response ({ShortError})",
        Stage.Body => $"{Status} then body failed after {Body.Length}B ({ShortError})",
        _ => $"{Status} {Body.Length}B {Write.Printable(Body[..Math.Min(Body.Length, 80)])}",
    } + (Elapsed > TimeSpan.Zero ? $" in {Elapsed.TotalMilliseconds:0} ms" : "");
}

/// <summary>One request to send: the exchange id and the URL that carries it.</summary>
public readonly record struct ExchangeRequest(string Id, string Url);
