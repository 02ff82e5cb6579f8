using System.Globalization;
using System.Text;
using static Cuttle.Tests.Differential.Wire;

namespace Cuttle.Tests.Differential;

/// <summary>
/// Random hostile answers, reproducible from a seed: the same seed gives the same scripts in the same order. Each
/// script's name lists the choices made (version, interim answers, status, framing, line endings, delivery, what
/// follows), which is what the allow-list and the counts go by.
/// </summary>
public sealed class ScriptGenerator(int seed)
{
    private readonly Random _random = new(seed);

    public int Seed => seed;

    public IReadOnlyList<Script> Next(int count)
    {
        var scripts = new Script[count];
        for (var i = 0; i < count; i++) scripts[i] = Next();
        return scripts;
    }

    public Script Next()
    {
        var r = _random;
        var tags = new List<string>();
        var http10 = r.Next(100) < 12;
        tags.Add(http10 ? "v1.0" : "v1.1");

        var interim = "";
        switch (r.Next(100))
        {
            case < 6: interim = "HTTP/1.1 100 Continue\r\n\r\n"; tags.Add("interim100"); break;
            case < 9: interim = "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"; tags.Add("interim103"); break;
        }

        var status = r.Next(100) switch
        {
            < 55 => 200,
            < 62 => 201,
            < 67 => 204,
            < 72 => 304,
            < 78 => 404,
            < 84 => 500,
            < 87 => 302,
            _ => r.Next(200, 1000),
        };
        tags.Add("s" + status.ToString(CultureInfo.InvariantCulture));

        string body;
        switch (r.Next(100))
        {
            case < 8: body = TextBody(r.Next(0, 200)); tags.Add("text"); break;
            case < 12: body = ""; tags.Add("empty"); break;
            default:
                var pad = new[] { 0, 10, 100, 1000, 5000, 16_000, 40_000 }[r.Next(7)];
                body = JsonBody(pad);
                tags.Add("json" + pad.ToString(CultureInfo.InvariantCulture));
                break;
        }
        var bodyLength = Encoding.Latin1.GetByteCount(body);

        var eol = r.Next(100) < 8 ? "\n" : "\r\n";
        if (eol == "\n") tags.Add("bare-lf");

        var fields = new List<string>();
        if (r.Next(100) < 60) fields.Add("Content-Type: application/json");
        if (r.Next(100) < 20) fields.Add("X-Pad: " + new string('h', r.Next(1, 300)));
        if (r.Next(100) < 10) fields.Add("Set-Cookie: a=" + r.Next(1000).ToString(CultureInfo.InvariantCulture));
        var connection = r.Next(100);
        if (connection < 7) { fields.Add("Connection: close"); tags.Add("conn-close"); }
        else if (connection < 14 || (http10 && connection < 40)) { fields.Add("Connection: keep-alive"); tags.Add("conn-keep-alive"); }

        // Framing; some choices need the connection ended afterwards (a read-until-close body, a length never reached).
        var payload = body;
        var mustEnd = false;
        var framing = r.Next(100) switch
        {
            < 42 => "cl",
            < 62 => "chunked",
            < 69 => "close",
            < 73 => "te+cl",
            < 77 => "cl-short",
            < 82 => "cl-long",
            < 85 => "cl-dup",
            < 87 => "cl-dup-differ",
            < 90 => "te-other",
            < 92 => "chunked-bare-lf",
            _ => "gzip",
        };
        tags.Add(framing);
        switch (framing)
        {
            case "cl":
                fields.Add(Cl(bodyLength));
                break;
            case "chunked":
            {
                var ext = r.Next(100) < 15 ? ";ext=1" : "";
                var trailers = r.Next(100) < 10 ? "X-Trailer: t" + "\r\n" : "";
                fields.Add("Transfer-Encoding: chunked");
                payload = Chunked(body, r.Next(1, 6), ext, trailers);
                break;
            }
            case "close":
                mustEnd = true;
                break;
            case "te+cl":
                payload = Chunked(body, r.Next(1, 4));
                fields.Add(Cl(r.Next(2) == 0 ? bodyLength : payload.Length));
                fields.Add("Transfer-Encoding: chunked");
                break;
            case "cl-short":
                // Declares less than it sends: the rest are bytes past the body.
                fields.Add(Cl(r.Next(0, Math.Max(1, bodyLength))));
                break;
            case "cl-long":
                fields.Add(Cl(bodyLength + r.Next(1, 500)));
                mustEnd = r.Next(4) != 0;
                break;
            case "cl-dup":
                fields.Add(Cl(bodyLength));
                fields.Add(Cl(bodyLength));
                break;
            case "cl-dup-differ":
                fields.Add(Cl(bodyLength));
                fields.Add(Cl(bodyLength + 1));
                break;
            case "te-other":
                fields.Add("Transfer-Encoding: " + new[] { "gzip", "identity", "gzip, chunked", "chunked, identity", "x" }[r.Next(5)]);
                fields.Add(Cl(bodyLength));
                break;
            case "chunked-bare-lf":
                fields.Add("Transfer-Encoding: chunked");
                payload = Chunked(body, r.Next(1, 4), eol: "\n");
                break;
        }
        Shuffle(fields);

        // What follows the answer. Bytes past it go out in the same write as its last byte: a client that reuses the
        // connection can always see them first. Late bytes (a separate write after a pause) only follow an answer
        // after which the connection must not be reused (Connection: close), since a request and unsolicited bytes
        // crossing on a reused connection cannot be told apart by any HTTP/1.1 client.
        var after = mustEnd ? (r.Next(4) == 0 ? "reset" : "close") : r.Next(100) switch
        {
            < 72 => "keep",
            < 80 => "close",
            < 85 => "reset",
            < 91 => "early-smuggle",
            < 96 => framing == "gzip" ? "early-smuggle" : "late-smuggle",
            _ => "early-garbage",
        };
        tags.Add(after);
        if (after == "late-smuggle")
        {
            fields.RemoveAll(f => f.StartsWith("Connection:", StringComparison.Ordinal));
            fields.Add("Connection: close");
        }
        var extra = after switch
        {
            "early-smuggle" => Smuggled(),
            "early-garbage" => Bytes("HTTP/1.1 garbage\r\n\r\n"),
            _ => [],
        };

        var statusLine = (http10 ? "HTTP/1.0 " : "HTTP/1.1 ") + status.ToString(CultureInfo.InvariantCulture) + " R";
        var steps = new List<Step>();
        if (framing == "gzip")
        {
            // Its own head (gzip answers are rendered per exchange); the tags before it do not apply.
            var gzip = GzipResponse(JsonBody(r.Next(0, 2000)), chunked: r.Next(2) == 0, corrupt: r.Next(10) == 0);
            steps.Add(extra.Length == 0 ? gzip : new Rendered(gzip.Description + " + " + after, id => Concat(gzip.Render(id), ExchangeId.Fill(extra, id))));
            tags.RemoveRange(0, tags.Count - 2);
        }
        else
        {
            var headLength = Encoding.Latin1.GetByteCount(interim + Head(statusLine, fields, eol));
            var bytes = Concat(Bytes(interim + Head(statusLine, fields, eol) + payload), extra);
            // Where the answer ends as a client frames it: nothing after that byte may be written later than it.
            var end = MessageEnd(headLength, bytes.Length - extra.Length, status, http10, fields);
            var delivery = extra.Length > 0 ? (r.Next(5) == 0 ? "split" : "write") : r.Next(100) switch { < 10 => "drip", < 28 => "split", _ => "write" };
            switch (delivery)
            {
                case "drip":
                {
                    // A drip: the piece size keeps the whole script well inside the endpoint timeout.
                    var dripped = end == bytes.Length ? bytes.Length : end - 1;
                    var pieces = Math.Clamp(r.Next(2, 20), 1, Math.Max(1, dripped));
                    steps.Add(new Drip(bytes[..dripped], (dripped + pieces - 1) / pieces, r.Next(0, 3)));
                    if (dripped < bytes.Length) steps.Add(new Write(bytes[dripped..]));
                    tags.Add("drip");
                    break;
                }
                case "split":
                {
                    // Never after the answer's last byte: what follows it goes out with it.
                    var cut = r.Next(1, Math.Max(2, end == bytes.Length ? bytes.Length : end));
                    steps.Add(new Write(bytes[..cut]));
                    steps.Add(new Delay(r.Next(0, 30)));
                    steps.Add(new Write(bytes[cut..]));
                    tags.Add("split");
                    break;
                }
                default:
                    steps.Add(new Write(bytes));
                    break;
            }
        }

        return new Script("gen/" + string.Join('/', tags), steps);
    }

    /// <summary>
    /// The length of the answer as a client frames it (Go's transfer.go rules): no body for 204/304, Transfer-Encoding
    /// ignored on HTTP/1.0, a chunked body or one read until close takes everything, else Content-Length.
    /// </summary>
    private static int MessageEnd(int headLength, int total, int status, bool http10, List<string> fields)
    {
        if (status is 204 or 304) return headLength;
        if (!http10 && fields.Exists(f => f.StartsWith("Transfer-Encoding:", StringComparison.Ordinal))) return total;
        var cl = fields.Find(f => f.StartsWith("Content-Length:", StringComparison.Ordinal));
        return cl is null ? total : Math.Min(total, headLength + int.Parse(cl.AsSpan(15).Trim(), CultureInfo.InvariantCulture));
    }

    private void Shuffle(List<string> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
