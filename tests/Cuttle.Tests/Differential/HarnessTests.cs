using System.Net.Sockets;
using System.Text;

namespace Cuttle.Tests.Differential;

/// <summary>The harness itself: ids, reproducible generation, and that a desynchronising client is caught.</summary>
public sealed class HarnessTests
{
    [Fact]
    public void The_generator_gives_the_same_scripts_for_the_same_seed_and_others_for_another()
    {
        static string Render(int seed) => string.Join("\n", new ScriptGenerator(seed).Next(300).Select(s => s.Name + " " + string.Join(" ", s.Steps.Select(Describe))));
        Assert.Equal(Render(7), Render(7));
        Assert.NotEqual(Render(7), Render(8));
    }

    private static string Describe(Step step) => step switch
    {
        Write w => Convert.ToHexString(w.Bytes),
        Drip d => Convert.ToHexString(d.Bytes) + d.PieceSize + "/" + d.PauseMs,
        Late l => Convert.ToHexString(l.Bytes) + l.PauseMs,
        Rendered r => Convert.ToHexString(r.Render(ExchangeId.Make('t', 1))),
        _ => step.ToString()!,
    };

    [Fact]
    public void An_id_is_filled_in_even_where_a_split_or_a_drip_cuts_through_it()
    {
        var bytes = Wire.Response(200, Wire.JsonBody());
        var cut = Encoding.ASCII.GetString(bytes).IndexOf(ExchangeId.Placeholder, StringComparison.Ordinal) + 5;
        var script = new Script("split", [new Write(bytes[..cut]), new Delay(1), new Drip(bytes[cut..], 3, 0)]);
        var id = ExchangeId.Make('g', 3);
        var parts = script.Render(id);
        Assert.Equal(ExchangeId.Fill(bytes, id), parts[0].Concat(parts[2]).ToArray());
        Assert.Empty(parts[1]);
        Assert.Equal(200, Comparator.FinalStatus(script));
        Assert.Equal(bytes.Length - Encoding.ASCII.GetString(bytes).IndexOf("\r\n\r\n", StringComparison.Ordinal) - 4, Comparator.DeclaredLength(script));
    }

    [Fact]
    public void A_timeout_is_inconclusive_only_on_a_script_that_finishes_in_time()
    {
        var id = ExchangeId.Make('g', 9);
        var answer = new Outcome(ExchangeId.Make('n', 9), Stage.Ok, 200, ExchangeId.Fill(Encoding.ASCII.GetBytes(Wire.JsonBody()), ExchangeId.Make('n', 9)), null);
        var timedOut = new Outcome(id, Stage.Head, 0, [], "context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        var quick = new Script("quick", [new Write(Wire.Response(200, Wire.JsonBody())), new Delay(10)]);
        var hanging = new Script("hang", [new Delay(3000), new Write(Wire.Response(200, Wire.JsonBody()))]);
        var second = TimeSpan.FromSeconds(1);

        Assert.Equal(Verdict.Inconclusive, Comparator.Compare(Endpoint.NoOp, quick, timedOut, answer, true, timeout: second).Verdict);
        // A script that outlasts the timeout must time out on both sides: a gateway answer there is a finding.
        Assert.Equal(Verdict.Unexplained, Comparator.Compare(Endpoint.NoOp, hanging, timedOut, answer, true, timeout: second).Verdict);
        // The gateway's own 500 counts as a timeout only when it came after the endpoint timeout.
        var fast500 = new Outcome(answer.Id, Stage.Ok, 500, [], null) { Elapsed = TimeSpan.FromMilliseconds(20) };
        var late500 = fast500 with { Elapsed = TimeSpan.FromMilliseconds(1005) };
        var reference = new Outcome(id, Stage.Ok, 200, ExchangeId.Fill(Encoding.ASCII.GetBytes(Wire.JsonBody()), id), null);
        Assert.Equal(Verdict.Unexplained, Comparator.Compare(Endpoint.NoOp, quick, reference, fast500, true, timeout: second).Verdict);
        Assert.Equal(Verdict.Inconclusive, Comparator.Compare(Endpoint.NoOp, quick, reference, late500, true, timeout: second).Verdict);
        var cutShort = new Outcome(answer.Id, Stage.Body, 200, answer.Body[..10], "The response ended prematurely.");
        Assert.Equal(Verdict.Unexplained, Comparator.Compare(Endpoint.NoOp, quick, reference, cutShort with { Elapsed = TimeSpan.FromMilliseconds(40) }, true, timeout: second).Verdict);
        Assert.Equal(Verdict.Inconclusive, Comparator.Compare(Endpoint.NoOp, quick, reference, cutShort with { Elapsed = TimeSpan.FromMilliseconds(1001) }, true, timeout: second).Verdict);
    }

    [Fact]
    public void A_reference_body_reported_whole_but_short_of_what_its_exchange_sent_is_a_reference_defect_only_if_the_gateway_got_it_all()
    {
        // The exchange seen in a long campaign: 103, then a chunked 200 whose first chunk Go cut at 18 bytes.
        var body = "{\"id\":\"" + ExchangeId.Placeholder + "\",\"tag\":\"ok\",\"pad\":\"\"}";
        var first = body[..21];
        var wire = "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\nHTTP/1.1 200 R\r\nTransfer-Encoding: chunked\r\n\r\n"
            + $"{first.Length:x}\r\n{first}\r\n{body.Length - 21:x}\r\n{body[21..]}\r\n0\r\n\r\n";
        var script = new Script("gen/v1.1/interim103/s200/json0/chunked/close", [new Write(Encoding.ASCII.GetBytes(wire))]);
        Assert.Equal(body, Encoding.ASCII.GetString(Comparator.ScriptBody(script)!));

        var refId = ExchangeId.Make('g', 5);
        var noOpId = ExchangeId.Make('n', 5);
        var jsonId = ExchangeId.Make('j', 5);
        var cut = new Outcome(refId, Stage.Ok, 200, ExchangeId.Fill(Encoding.ASCII.GetBytes(body), refId)[..18], null);
        var whole = new Outcome(noOpId, Stage.Ok, 200, ExchangeId.Fill(Encoding.ASCII.GetBytes(body), noOpId), null);
        var rendered = new Outcome(jsonId, Stage.Ok, 200, Encoding.ASCII.GetBytes("{\"id\":\"" + jsonId + "\",\"pad\":\"\",\"tag\":\"ok\"}"), null);
        Assert.Equal(Verdict.ReferenceDefect, Comparator.Compare(Endpoint.NoOp, script, cut, whole, true).Verdict);
        Assert.Equal(Verdict.ReferenceDefect, Comparator.Compare(Endpoint.Json, script, cut, rendered, true).Verdict);
        // A gateway that also lost bytes, or added some, is still a finding.
        Assert.Equal(Verdict.Unexplained, Comparator.Compare(Endpoint.NoOp, script, cut, whole with { Body = whole.Body[..30] }, true).Verdict);
        Assert.Equal(Verdict.Unexplained, Comparator.Compare(Endpoint.NoOp, script, cut, whole with { Body = [.. whole.Body, (byte)' '] }, true).Verdict);
    }

    [Fact]
    public void Ids_fill_placeholders_and_are_found_in_any_body()
    {
        var id = ExchangeId.Make('n', 42);
        Assert.Equal(ExchangeId.Length, id.Length);
        Assert.Equal(42, ExchangeId.Number(id));
        var filled = ExchangeId.Fill(Encoding.ASCII.GetBytes("a" + ExchangeId.Placeholder + "b" + ExchangeId.Placeholder), id);
        Assert.Equal("a" + id + "b" + id, Encoding.ASCII.GetString(filled));
        Assert.Equal([id, id], ExchangeId.FindAll(filled));
        Assert.Equal("a" + ExchangeId.Placeholder + "b" + ExchangeId.Placeholder, Encoding.ASCII.GetString(ExchangeId.Unfill(filled, id)));
    }

    [Fact]
    public async Task A_client_that_reuses_a_connection_with_bytes_left_on_it_is_reported_as_a_desync()
    {
        // A deliberately naive proxy client: one keep-alive connection, trusts Content-Length, never looks at what
        // is left after a body. The backend's smuggled answer after exchange 1 becomes exchange 2's response.
        await using var backend = new HostileBackend();
        var smuggling = HandWrittenScripts.All.Single(s => s.Name == "extra/early-smuggled-answer");
        var plain = HandWrittenScripts.All.Single(s => s.Name == "framing/content-length");
        backend.Register(1, smuggling);
        backend.Register(2, plain);
        using var client = new NaiveClient(backend.Port);
        var first = await client.GetAsync(ExchangeId.Make('n', 1));
        var second = await client.GetAsync(ExchangeId.Make('n', 2));

        var reference = new Outcome(ExchangeId.Make('g', 2), Stage.Ok, 200, ExchangeId.Fill(Encoding.ASCII.GetBytes(Wire.JsonBody(40)), ExchangeId.Make('g', 2)), null);
        Assert.Equal(Verdict.Match, Comparator.Compare(Endpoint.NoOp, smuggling, first, first, reachedBackend: true).Verdict);
        var finding = Comparator.Compare(Endpoint.NoOp, plain, reference, second, reachedBackend: false);
        Assert.Equal(Verdict.Desync, finding.Verdict);
        Assert.Contains(ExchangeId.Make('n', 1), finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_divergence_nobody_explained_is_unexplained_and_a_match_is_a_match()
    {
        var script = new Script("framing/content-length", []);
        var body = Encoding.ASCII.GetBytes("{\"id\":\"" + ExchangeId.Make('g', 5) + "\"}");
        var reference = new Outcome(ExchangeId.Make('g', 5), Stage.Ok, 200, body, null);
        var same = new Outcome(ExchangeId.Make('n', 5), Stage.Ok, 200, ExchangeId.Fill(ExchangeId.Unfill(body, reference.Id), ExchangeId.Make('n', 5)), null);
        Assert.Equal(Verdict.Match, Comparator.Compare(Endpoint.NoOp, script, reference, same, true).Verdict);
        Assert.Equal(Verdict.Unexplained, Comparator.Compare(Endpoint.NoOp, script, reference, same with { Status = 502 }, true).Verdict);
        var json = new Outcome(ExchangeId.Make('j', 5), Stage.Ok, 200, Encoding.ASCII.GetBytes("{ \"id\" : \"" + ExchangeId.Make('j', 5) + "\" }"), null);
        Assert.Equal(Verdict.Match, Comparator.Compare(Endpoint.Json, script, reference, json, true).Verdict);
        Assert.Equal(Verdict.Unexplained, Comparator.Compare(Endpoint.Json, script, reference with { Status = 404 }, json, true).Verdict);
    }

    [Fact]
    public void Bytes_Go_quotes_from_another_exchange_make_a_reference_desync()
    {
        var own = new Script("framing/content-length", [new Write(Wire.Response(200, Wire.JsonBody()))]);
        var reference = new Outcome(ExchangeId.Make('g', 9), Stage.Head, 0, [], "Get \"http://b/x\": net/http: HTTP/1.x transport connection broken: malformed HTTP response \"d1\\x01\"");
        Assert.Equal("d1\u0001", Comparator.QuotedByGo(reference.Error));
        var gateway = new Outcome(ExchangeId.Make('n', 9), Stage.Ok, 500, [], null);
        Assert.Equal(Verdict.ReferenceDesync, Comparator.Compare(Endpoint.NoOp, own, reference, gateway, true).Verdict);

        var chunk = new Script("framing/chunked", [new Write(Wire.Bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nd1\u0001\r\n"))]);
        Assert.Equal(Verdict.ReferenceDesync, Comparator.Compare(Endpoint.NoOp, chunk, reference, gateway, true).Verdict);
        var code = reference with { Error = "net/http: HTTP/1.x transport connection broken: malformed HTTP status code \"garbage\"" };
        Assert.Equal(Verdict.ReferenceDesync, Comparator.Compare(Endpoint.NoOp, own, code, gateway, true).Verdict);
        var ownGarbage = new Script("status/garbage", [new Write(Wire.Bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 garbage\r\n\r\n"))]);
        Assert.Equal(Verdict.Match, Comparator.Compare(Endpoint.NoOp, ownGarbage, code, gateway, true).Verdict);
        var garbage = new Script("status/garbage", [new Write(Wire.Bytes("d1\u0001\r\n\r\n"))]);
        Assert.Equal(Verdict.Match, Comparator.Compare(Endpoint.NoOp, garbage, reference, gateway, true).Verdict);
    }

    /// <summary>HTTP/1.1 done wrong on purpose, to prove the harness notices.</summary>
    private sealed class NaiveClient(int port) : IDisposable
    {
        private readonly Socket _socket = Connect(port);
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _length;

        private static Socket Connect(int port)
        {
            var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
            s.Connect(System.Net.IPAddress.Loopback, port);
            return s;
        }

        public async Task<Outcome> GetAsync(string id)
        {
            await _socket.SendAsync(Encoding.ASCII.GetBytes($"GET /x/{id} HTTP/1.1\r\nHost: b\r\n\r\n"), SocketFlags.None);
            int headEnd;
            while ((headEnd = _buffer.AsSpan(0, _length).IndexOf("\r\n\r\n"u8)) < 0) _length += await _socket.ReceiveAsync(_buffer.AsMemory(_length), SocketFlags.None);
            var head = Encoding.ASCII.GetString(_buffer, 0, headEnd);
            var cl = int.Parse(head[(head.IndexOf("Content-Length: ", StringComparison.Ordinal) + 16)..].Split('\r')[0], System.Globalization.CultureInfo.InvariantCulture);
            var status = int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
            while (_length < headEnd + 4 + cl) _length += await _socket.ReceiveAsync(_buffer.AsMemory(_length), SocketFlags.None);
            var body = _buffer.AsSpan(headEnd + 4, cl).ToArray();
            var used = headEnd + 4 + cl;
            Buffer.BlockCopy(_buffer, used, _buffer, 0, _length - used);
            _length -= used;
            return new Outcome(id, Stage.Ok, status, body, null);
        }

        public void Dispose() => _socket.Dispose();
    }
}
