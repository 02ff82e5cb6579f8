using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cuttle.Tests.Differential;

/// <summary>The gateway endpoints a script is played through.</summary>
public enum Endpoint
{
    /// <summary>output_encoding no-op: the backend's status and body pass through.</summary>
    NoOp,

    /// <summary>The default json endpoint: a 200/201 JSON object body is decoded and rendered again.</summary>
    Json,
}

public enum Verdict
{
    /// <summary>The gateway's client got what the reference predicts.</summary>
    Match,

    /// <summary>A client received another exchange's answer. Always a failure.</summary>
    Desync,

    /// <summary>The reference client itself received another exchange's answer (a defect of the reference).</summary>
    ReferenceDesync,

    /// <summary>A divergence the allow-list explains as a deliberate difference of the gateway.</summary>
    Explained,

    /// <summary>A divergence the allow-list explains as a known defect of the reference client.</summary>
    ReferenceDefect,

    /// <summary>A divergence nobody explained: a finding.</summary>
    Unexplained,

    /// <summary>
    /// A side ran out of time on a script that finishes well inside the timeout: the machine was too busy to judge
    /// the exchange (counted, bounded by the tests, never a match).
    /// </summary>
    Inconclusive,
}

public sealed record Finding(Verdict Verdict, Endpoint Endpoint, Script Script, Outcome Reference, Outcome Gateway, string Reason)
{
    /// <summary>For a desync: the script of the exchange whose answer was received, when known.</summary>
    public Script? Source { get; init; }

    public override string ToString() =>
        $"{Verdict} [{Endpoint}] {Script.Name}: {Reason}\n  reference: {Reference}\n  gateway:   {Gateway}\n  script:    {Script}"
        + (Source is null ? "" : $"\n  source:    {Source}");
}

/// <summary>
/// What a client of the gateway should receive, given what the reference client received straight from the backend
/// (KrakenD's semantics, ../shared/reference/krakend.md §4): on no-op the backend's status and body, 500 when the
/// backend call failed before a response, and a failed body when it failed part way (the status is already out);
/// on a json endpoint 200 with the same JSON object when the backend answered 200/201 with one, else 500.
/// </summary>
public static class Comparator
{
    public static Finding Compare(Endpoint endpoint, Script script, Outcome reference, Outcome gateway, bool reachedBackend, Func<string, Script?>? scriptOf = null, TimeSpan timeout = default)
    {
        // A desync first: any id but its own in what a client received.
        foreach (var id in ExchangeId.FindAll(gateway.Body))
        {
            if (id != gateway.Id)
                return new Finding(Verdict.Desync, endpoint, script, reference, gateway, $"received the answer of exchange {id}") { Source = scriptOf?.Invoke(id) };
        }
        if (endpoint == Endpoint.NoOp && gateway.Stage != Stage.Head && gateway.Status != 500 && FinalStatus(script) is { } sent && gateway.Status != sent)
            return new Finding(Verdict.Desync, endpoint, script, reference, gateway, $"received a {gateway.Status} its exchange never sent");
        if (endpoint == Endpoint.NoOp && gateway.Stage == Stage.Ok && gateway.Status is not (500 or 205) && DeclaredLength(script) is { } fixedLength
            && gateway.Body.Length != fixedLength)
            return new Finding(Verdict.Desync, endpoint, script, reference, gateway, $"received a {gateway.Body.Length}-byte body where its exchange declared {fixedLength}");
        // An answer (not the gateway's own 500) for a request the backend never saw came from someone else's exchange.
        if (!reachedBackend && gateway.Stage != Stage.Head && gateway.Status != 500)
            return new Finding(Verdict.Desync, endpoint, script, reference, gateway, "answered although its request never reached the backend");
        // The reference's own desyncs: another id in its body, or in the error it gave (Go quotes the bytes it could
        // not parse as a status line: someone else's body read as this exchange's head).
        foreach (var id in ExchangeId.FindAll(reference.Body).Concat(ExchangeId.FindAll(System.Text.Encoding.Latin1.GetBytes(reference.Error ?? ""))))
        {
            if (id != reference.Id)
                return new Finding(Verdict.ReferenceDesync, endpoint, script, reference, gateway, $"the reference received the answer of exchange {id}") { Source = scriptOf?.Invoke(id) };
        }

        // Go quotes bytes it could not parse as a head without naming an exchange ("malformed HTTP response \"d1\""):
        // bytes its own exchange never sent were read as its answer.
        if (reference.Stage == Stage.Head && ForeignQuote(script, reference.Id, reference.Error) is { Length: > 0 } quoted)
            return new Finding(Verdict.ReferenceDesync, endpoint, script, reference, gateway, "the reference read bytes its exchange never sent: " + quoted[..Math.Min(quoted.Length, 40)]);
        // An answer with a status its exchange never sent (a bodiless 204 or 304 names no exchange) was someone else's.
        var status = FinalStatus(script);
        if (status is { } own && reference.Stage != Stage.Head && reference.Status != own)
            return new Finding(Verdict.ReferenceDesync, endpoint, script, reference, gateway, $"the reference received a {reference.Status} its exchange never sent");
        // A whole body of a length its exchange's framing rules out (an empty 200 that names nobody) was someone else's.
        var declared = DeclaredLength(script);
        if (declared is { } length && reference.Stage == Stage.Ok && reference.Body.Length != length)
            return new Finding(Verdict.ReferenceDesync, endpoint, script, reference, gateway, $"the reference received a {reference.Body.Length}-byte body where its exchange declared {length}");

        var mismatch = Mismatch(endpoint, reference, gateway);
        if (mismatch is null) return new Finding(Verdict.Match, endpoint, script, reference, gateway, "");
        var finding = new Finding(Verdict.Unexplained, endpoint, script, reference, gateway, mismatch);
        if (AllowList.Explain(finding) is { } explained) return explained;
        if (timeout > TimeSpan.Zero && PlannedTime(script) < timeout / 2)
        {
            if (reference.Stage != Stage.Ok && IsTimeout(reference.Error))
                return finding with { Verdict = Verdict.Inconclusive, Reason = "the reference timed out on a script that finishes in time" };
            if ((gateway.Status == 500 || gateway.Stage == Stage.Body) && gateway.Elapsed >= timeout * 0.9)
                return finding with { Verdict = Verdict.Inconclusive, Reason = "the gateway's endpoint timeout fired on a script that finishes in time" };
        }
        return finding;
    }

    /// <summary>How long the script takes to play on an idle machine: its delays and drip pauses.</summary>
    public static TimeSpan PlannedTime(Script script)
    {
        var ms = 0L;
        foreach (var step in script.Steps)
        {
            if (step is Delay d) ms += d.Milliseconds;
            else if (step is Drip drip && drip.PieceSize > 0) ms += (long)drip.PauseMs * ((drip.Bytes.Length + drip.PieceSize - 1) / drip.PieceSize);
        }
        return TimeSpan.FromMilliseconds(ms);
    }

    // Go: "Client.Timeout exceeded" / "context deadline exceeded"; the SocketsHttpHandler fallback: a cancelled task.
    private static bool IsTimeout(string? error) =>
        error is not null && (error.Contains("deadline exceeded", StringComparison.Ordinal) || error.Contains("Client.Timeout", StringComparison.Ordinal)
            || error.Contains("was canceled", StringComparison.Ordinal) || error.Contains("timed out", StringComparison.Ordinal));

    /// <summary>Every byte the script writes for the exchange, in order.</summary>
    public static byte[] ScriptBytes(Script script, string id)
    {
        var all = new MemoryStream();
        foreach (var part in script.Render(id)) all.Write(part);
        return all.ToArray();
    }

    /// <summary>The status of the script's final answer (after interim 1xx heads but 101), or null when it has none.</summary>
    public static int? FinalStatus(Script script)
    {
        var text = System.Text.Encoding.Latin1.GetString(ScriptBytes(script, ExchangeId.Placeholder));
        var at = 0;
        while (at < text.Length)
        {
            if (!(text.AsSpan(at).StartsWith("HTTP/1.1 ") || text.AsSpan(at).StartsWith("HTTP/1.0 ")) || at + 12 > text.Length
                || !int.TryParse(text.AsSpan(at + 9, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status))
                return null;
            if (status is < 100 or >= 200 || status == 101) return status;
            var end = text.IndexOf("\n\n", at, StringComparison.Ordinal) is var lf and >= 0 ? lf + 2 : -1;
            var crlf = text.IndexOf("\r\n\r\n", at, StringComparison.Ordinal);
            if (crlf >= 0 && (end < 0 || crlf + 4 < end)) end = crlf + 4;
            if (end < 0) return null;
            at = end;
        }
        return null;
    }

    /// <summary>
    /// Whether what Go quoted from a status line it could not parse is the script's own: the whole line ("malformed
    /// HTTP response"), its version or its status code, at a place where the script starts a head (first, or after an
    /// interim 1xx head). Anything else was read from another exchange's bytes.
    /// </summary>
    private static bool StartsAHead(Script script, string id, string kind, string quoted)
    {
        var text = System.Text.Encoding.Latin1.GetString(ScriptBytes(script, id));
        var at = 0;
        while (at < text.Length)
        {
            var lineEnd = text.IndexOf('\n', at);
            var line = (lineEnd < 0 ? text[at..] : text[at..lineEnd]).TrimEnd('\r');
            var fields = line.Split(' ', 3);
            if (kind == "response" ? line == quoted : kind == "version" ? fields[0] == quoted : fields.Length > 1 && fields[1] == quoted) return true;
            if (!(line.StartsWith("HTTP/1.1 1", StringComparison.Ordinal) || line.StartsWith("HTTP/1.0 1", StringComparison.Ordinal))) return false;
            var end = text.IndexOf("\n\n", at, StringComparison.Ordinal) is var lf and >= 0 ? lf + 2 : -1;
            var crlf = text.IndexOf("\r\n\r\n", at, StringComparison.Ordinal);
            if (crlf >= 0 && (end < 0 || crlf + 4 < end)) end = crlf + 4;
            if (end < 0) return false;
            at = end;
        }
        return false;
    }

    /// <summary>
    /// What a Go error shows was read from another exchange: a quoted status line, version or code the script never
    /// starts a head with, or a quoted Transfer-Encoding or Content-Length value the script never writes. Else null.
    /// </summary>
    public static string? ForeignQuote(Script script, string id, string? error)
    {
        if (error is null) return null;
        var m = GoMalformed.Match(error);
        if (m.Success)
        {
            var quoted = Unquote(m.Groups[2].Value);
            return StartsAHead(script, id, m.Groups[1].Value, quoted) ? null : quoted;
        }
        m = GoQuotedValue.Match(error);
        if (!m.Success) return null;
        var value = Unquote(m.Groups[1].Value);
        return System.Text.Encoding.Latin1.GetString(ScriptBytes(script, id)).Contains(value, StringComparison.Ordinal) ? null : value;
    }

    private static readonly System.Text.RegularExpressions.Regex GoMalformed =
        new("malformed HTTP (response|status code|version) \"((?:[^\"\\\\]|\\\\.)*)\"", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static readonly System.Text.RegularExpressions.Regex GoQuotedValue =
        new("(?:unsupported transfer encoding: |bad Content-Length |multiple Content-Length headers; got \\[)\"((?:[^\"\\\\]|\\\\.)*)\"", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// The body length a client must read from the script's final answer when its framing fixes one (HTTP/1.1 without
    /// Transfer-Encoding, or HTTP/1.0, with Content-Length fields that agree; none for 204 and 304), else null.
    /// </summary>
    public static long? DeclaredLength(Script script)
    {
        if (script.Steps.Any(s => s is Rendered)) return null;
        var text = System.Text.Encoding.Latin1.GetString(ScriptBytes(script, ExchangeId.Placeholder));
        if (!FinalHead(text, out var lines, out var status, out _)) return null;
        if (status is 204 or 304) return 0;
        var http11 = lines[0].StartsWith("HTTP/1.1 ", StringComparison.Ordinal);
        if (http11 && lines.Any(l => l.StartsWith("transfer-encoding:", StringComparison.OrdinalIgnoreCase))) return null;
        var lengths = ContentLengths(lines);
        return lengths.Length == 1 && long.TryParse(lengths[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>
    /// The final head of a script's answer, interim 1xx heads (not 101) skipped: its lines, status and the offset its
    /// body starts at. False when a head does not end or its status does not parse.
    /// </summary>
    private static bool FinalHead(string text, out string[] lines, out int status, out int bodyStart)
    {
        var at = 0;
        while (true)
        {
            var end = text.IndexOf("\n\n", at, StringComparison.Ordinal) is var lf and >= 0 ? lf + 2 : -1;
            var crlf = text.IndexOf("\r\n\r\n", at, StringComparison.Ordinal);
            if (crlf >= 0 && (end < 0 || crlf + 4 < end)) end = crlf + 4;
            if (end < 0 || end - at < 12) break;
            lines = text[at..end].Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
            if (!int.TryParse(lines[0].AsSpan(9, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out status)) break;
            if (status is >= 100 and < 200 && status != 101) { at = end; continue; }
            bodyStart = end;
            return true;
        }
        lines = [];
        status = 0;
        bodyStart = 0;
        return false;
    }

    /// <summary>The distinct values of a head's Content-Length fields, trimmed.</summary>
    private static string[] ContentLengths(string[] lines) =>
        lines.Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)).Select(l => l[15..].Trim(' ', '\t')).Distinct().ToArray();

    /// <summary>
    /// The body a client must read from the script's final answer (placeholders unfilled): de-chunked when HTTP/1.1
    /// says chunked, Content-Length bytes, else everything to the close. Null where the framing is anything less plain
    /// (a rendered step, another transfer coding, Content-Length fields that disagree, a chunk line that does not parse).
    /// </summary>
    public static byte[]? ScriptBody(Script script)
    {
        if (script.Steps.Any(s => s is Rendered)) return null;
        var bytes = ScriptBytes(script, ExchangeId.Placeholder);
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        if (!FinalHead(text, out var lines, out var status, out var end)) return null;
        if (status is 204 or 304 || status < 200) return [];
        var codings = lines.Where(l => l.StartsWith("transfer-encoding:", StringComparison.OrdinalIgnoreCase)).Select(l => l[18..].Trim(' ', '\t')).ToArray();
        if (lines[0].StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && codings.Length > 0)
            return codings is ["chunked"] ? Dechunk(bytes, end) : null;
        var lengths = ContentLengths(lines);
        if (lengths.Length == 0) return bytes[end..];
        return lengths.Length == 1 && long.TryParse(lengths[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && end + n <= bytes.Length ? bytes[end..(end + (int)n)] : null;
    }

    private static byte[]? Dechunk(byte[] bytes, int at)
    {
        var body = new MemoryStream();
        while (true)
        {
            var eol = Array.IndexOf(bytes, (byte)'\n', at);
            if (eol < 0) return null;
            var line = System.Text.Encoding.Latin1.GetString(bytes, at, eol - at).TrimEnd('\r');
            var semi = line.IndexOf(';');
            if (!int.TryParse(semi < 0 ? line : line[..semi], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var size) || size < 0) return null;
            if (size == 0) return body.ToArray();
            at = eol + 1;
            if (at + size > bytes.Length) return null;
            body.Write(bytes, at, size);
            at += size;
            if (at < bytes.Length && bytes[at] == '\r') at++;
            if (at >= bytes.Length || bytes[at] != '\n') return null;
            at++;
        }
    }

    /// <summary>What Go quoted (%q) of a malformed status line, unescaped, or null.</summary>
    public static string? QuotedByGo(string? error) =>
        error is not null && GoMalformed.Match(error) is { Success: true } m ? Unquote(m.Groups[2].Value) : null;

    /// <summary>Undoes Go's %q for the escapes it uses on these bytes.</summary>
    private static string Unquote(string q)
    {
        var sb = new System.Text.StringBuilder(q.Length);
        for (var i = 0; i < q.Length; i++)
        {
            if (q[i] != '\\' || i + 1 == q.Length) { sb.Append(q[i]); continue; }
            var c = q[++i];
            switch (c)
            {
                case 'r': sb.Append('\r'); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'x' when i + 2 < q.Length:
                    sb.Append((char)Convert.ToInt32(q.Substring(i + 1, 2), 16));
                    i += 2;
                    break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Null when the gateway's outcome is the one predicted, else what differs.</summary>
    public static string? Mismatch(Endpoint endpoint, Outcome reference, Outcome gateway)
    {
        if (gateway.Stage == Stage.Head) return "the gateway gave no response";
        var refBody = ExchangeId.Unfill(reference.Body, reference.Id);
        var gwBody = ExchangeId.Unfill(gateway.Body, gateway.Id);
        if (endpoint == Endpoint.NoOp)
        {
            switch (reference.Stage)
            {
                case Stage.Head:
                    return gateway.Stage == Stage.Ok && gateway.Status == 500 && gateway.Body.Length == 0 ? null : "expected 500 (the backend call failed)";
                case Stage.Body:
                    if (gateway.Status != reference.Status) return $"expected status {reference.Status}";
                    return gateway.Stage == Stage.Body ? null : "expected a failed body (the backend's body failed part way)";
                default:
                    if (gateway.Stage != Stage.Ok) return "expected a whole response";
                    if (gateway.Status != reference.Status) return $"expected status {reference.Status}";
                    return refBody.AsSpan().SequenceEqual(gwBody) ? null : "expected the backend's body";
            }
        }
        var expected = reference.Stage == Stage.Ok && reference.Status is 200 or 201 ? JsonObjectOf(refBody) : null;
        if (expected is null)
            return gateway.Stage == Stage.Ok && gateway.Status == 500 && gateway.Body.Length == 0 ? null : "expected 500 (no 200/201 JSON object from the backend)";
        if (gateway.Stage != Stage.Ok || gateway.Status != 200) return "expected 200 with the backend's object";
        var actual = JsonObjectOf(gwBody);
        return actual is not null && JsonNode.DeepEquals(expected, actual) ? null : "expected the backend's object";
    }

    /// <summary>
    /// The body as a JSON object the way KrakenD's decoder reads it: json.Decoder.Decode, one value, whatever follows
    /// it ignored; anything but an object is an error.
    /// </summary>
    public static JsonObject? JsonObjectOf(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
            return JsonNode.Parse(ref reader) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
