namespace Cuttle.Tests.Differential;

/// <summary>
/// The divergences that are understood, each with a one-line reason: deliberate differences of the gateway
/// (<see cref="Verdict.Explained"/>) and defects of the reference client (<see cref="Verdict.ReferenceDefect"/>).
/// A desync is never on this list. Entries are matched by script features and outcomes, never by exchange.
/// </summary>
public static class AllowList
{
    public sealed record Entry(Verdict Kind, string Reason, Func<Finding, bool> Applies);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        // Deliberate differences of the gateway.
        new(Verdict.Explained,
            "a 101 to a request that asked for no upgrade is refused (Go returns it as a final answer; Kestrel cannot pass a 101 on)",
            f => f.Reference.Stage == Stage.Ok && f.Reference.Status == 101 && GatewayFailed(f)),
        new(Verdict.Explained,
            "only HTTP/1.0 and HTTP/1.1 status lines are read (Go's ParseHTTPVersion also takes HTTP/2.0 on an HTTP/1.1 connection)",
            f => Writes(f.Script, "HTTP/2.0 ") && GatewayFailed(f)),
        new(Verdict.Explained,
            "response heads over 64 KiB are refused (Go's transport allows 10 MiB)",
            f => HeadLength(f.Script) > 64 * 1024 && GatewayFailed(f)),
        new(Verdict.Explained,
            "a 205 passes on without its content (RFC 9110 section 15.3.6 forbids content there and Kestrel sends none; Go's client reads it)",
            f => f.Endpoint == Endpoint.NoOp && f.Reference.Status == 205 && f.Gateway is { Stage: Stage.Ok, Status: 205, Body.Length: 0 }),

        // Go 1.19 accepts what later Go (and RFC 9112) refuse; Cuttle follows later Go.
        new(Verdict.ReferenceDefect,
            "Go 1.19 reads an empty Content-Length as absent; later Go refuses it (\"invalid empty Content-Length\"), as Cuttle does",
            f => Writes(f.Script, "Content-Length: \r\n") && GatewayFailed(f)),
        new(Verdict.ReferenceDefect,
            "Go 1.19 takes a field name with a space before the colon as another field; later Go refuses it (RFC 9112 section 5.1), as Cuttle does",
            f => Writes(f.Script, " : ") && GatewayFailed(f)),
        new(Verdict.ReferenceDefect,
            "Go 1.19 accepts a chunk line ending in a bare LF; later Go refuses it (RFC 9112 erratum 7633), as Cuttle does",
            f => (Has(f, "chunked-bare-lf") || Has(f, "bare-lf-chunk")) && GatewayFailed(f)),
        // Seen once in 2 000 000 exchanges: Go reported a chunked body as whole when it had read 18 of its 41 bytes.
        new(Verdict.ReferenceDefect,
            "Go's client reported a whole body that stops short of the body its exchange sent (no error); the gateway delivered all of it",
            ReferenceLostBytes),
    ];

    /// <summary>
    /// The reference's body, though reported whole, is a strict prefix of the script's own body, and the gateway's
    /// client got exactly that whole body (no-op) or its object (json): the bytes were lost on the reference's side.
    /// </summary>
    private static bool ReferenceLostBytes(Finding f)
    {
        if (f.Reference.Stage != Stage.Ok || f.Gateway.Stage != Stage.Ok || Comparator.ScriptBody(f.Script) is not { } body) return false;
        var sent = ExchangeId.Fill(body, f.Reference.Id);
        if (f.Reference.Body.Length >= sent.Length || !sent.AsSpan().StartsWith(f.Reference.Body)) return false;
        var whole = ExchangeId.Fill(body, f.Gateway.Id);
        if (f.Endpoint == Endpoint.NoOp) return f.Gateway.Status == f.Reference.Status && f.Gateway.Body.AsSpan().SequenceEqual(whole);
        return f.Gateway.Status == 200 && f.Reference.Status is 200 or 201 && Comparator.JsonObjectOf(whole) is { } expected
            && Comparator.JsonObjectOf(f.Gateway.Body) is { } actual && System.Text.Json.Nodes.JsonNode.DeepEquals(expected, actual);
    }

    public static Finding? Explain(Finding finding)
    {
        foreach (var entry in Entries)
        {
            if (entry.Applies(finding)) return finding with { Verdict = entry.Kind, Reason = entry.Reason };
        }
        return null;
    }

    private static bool Has(Finding f, string feature) => f.Script.Name.Contains(feature, StringComparison.Ordinal);

    /// <summary>The gateway's client saw a failure: a 500 with nothing from the backend, or a body cut short.</summary>
    private static bool GatewayFailed(Finding f) => f.Gateway.Stage == Stage.Body || (f.Gateway.Stage == Stage.Ok && f.Gateway.Status == 500);

    private static bool Writes(Script script, string text) =>
        System.Text.Encoding.Latin1.GetString(Comparator.ScriptBytes(script, ExchangeId.Placeholder)).Contains(text, StringComparison.Ordinal);

    private static int HeadLength(Script script)
    {
        var bytes = Comparator.ScriptBytes(script, ExchangeId.Placeholder);
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? bytes.Length : end;
    }
}
