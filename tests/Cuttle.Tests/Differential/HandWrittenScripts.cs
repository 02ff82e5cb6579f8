using static Cuttle.Tests.Differential.Wire;

namespace Cuttle.Tests.Differential;

/// <summary>The known hostile cases, one script each (names: family/case).</summary>
public static class HandWrittenScripts
{
    private const string Json = "Content-Type: application/json";

    private static Script S(string name, params Step[] steps) => new(name, steps);
    private static Write W(string latin1) => new(Bytes(latin1));
    private static Write W(byte[] bytes) => new(bytes);

    private static string Body => JsonBody(40);
    private static int Len => Body.Length;

    public static IReadOnlyList<Script> All { get; } = Build();

    private static List<Script> Build()
    {
        var body = Body;
        var len = Len.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var chunked = Chunked(body, 3);
        return
        [
            // Framing
            S("framing/content-length", W(Response(200, body, Json))),
            S("framing/content-length-zero", W("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")),
            S("framing/chunked", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)),
            S("framing/chunked-extension", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunked(body, 2, extension: ";a=b"))),
            S("framing/chunked-trailers", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunked(body, 2, trailers: "X-T: 1\r\n"))),
            S("framing/chunked-upper-hex", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunked(JsonBody(300), 1, upper: true))),
            S("framing/close-delimited", W("HTTP/1.1 200 OK\r\n\r\n" + body), new Close()),
            S("framing/close-delimited-header", W("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body), new Close()),
            S("framing/connection-close-with-cl", W("HTTP/1.1 200 OK\r\nConnection: close\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("framing/connection-close-then-close", W("HTTP/1.1 200 OK\r\nConnection: close\r\n" + Cl(Len) + "\r\n\r\n" + body), new Close()),
            // HTTP/1.0
            S("http10/content-length", W("HTTP/1.0 200 OK\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("http10/keep-alive", W("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("http10/close-delimited", W("HTTP/1.0 200 OK\r\n\r\n" + body), new Close()),
            S("http10/te-chunked-and-cl", W("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n" + Cl(chunked.Length) + "\r\n\r\n" + chunked)),
            S("http10/te-chunked-no-cl", W("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked), new Close()),
            S("http10/te-chunked-short-cl-kept-open", W("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n" + Cl(10) + "\r\n\r\n" + chunked)),
            // Transfer-Encoding variants
            S("te/chunked-and-cl", W("HTTP/1.1 200 OK\r\n" + Cl(5) + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)),
            S("te/chunked-and-larger-cl", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n" + Cl(5000) + "\r\n\r\n" + chunked)),
            S("te/upper-case", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n" + chunked)),
            S("te/gzip", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("te/identity", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("te/gzip-chunked", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" + chunked)),
            S("te/two-fields", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)),
            S("te/chunked-comma-chunked", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n" + chunked)),
            S("te/empty", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n" + Cl(Len) + "\r\n\r\n" + body)),
            // Content-Length
            S("cl/duplicate-identical-fields", W("HTTP/1.1 200 OK\r\n" + Cl(Len) + "\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("cl/duplicate-different-fields", W("HTTP/1.1 200 OK\r\n" + Cl(Len) + "\r\n" + Cl(Len + 1) + "\r\n\r\n" + body)),
            S("cl/comma-list", W("HTTP/1.1 200 OK\r\nContent-Length: " + len + ", " + len + "\r\n\r\n" + body)),
            S("cl/comma-list-no-space", W("HTTP/1.1 200 OK\r\nContent-Length: " + len + "," + len + "\r\n\r\n" + body)),
            S("cl/plus-sign", W("HTTP/1.1 200 OK\r\nContent-Length: +" + len + "\r\n\r\n" + body)),
            S("cl/hex", W("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n" + body)),
            S("cl/negative", W("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n" + body)),
            S("cl/huge", W("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n" + body)),
            S("cl/empty", W("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n" + body), new Close()),
            S("cl/leading-zeros", W("HTTP/1.1 200 OK\r\nContent-Length: 000" + len + "\r\n\r\n" + body)),
            S("cl/lie-longer-then-close", W("HTTP/1.1 200 OK\r\n" + Cl(Len + 100) + "\r\n\r\n" + body), new Close()),
            S("cl/lie-longer-kept-open", W("HTTP/1.1 200 OK\r\n" + Cl(Len + 100) + "\r\n\r\n" + body)),
            S("cl/lie-longer-then-reset", W("HTTP/1.1 200 OK\r\n" + Cl(Len + 100) + "\r\n\r\n" + body), new Delay(20), new Reset()),
            S("cl/lie-shorter", W("HTTP/1.1 200 OK\r\n" + Cl(10) + "\r\n\r\n" + body)),
            // Bytes nobody asked for
            S("extra/early-smuggled-answer", W(Concat(Response(200, body, Json), Smuggled()))),
            S("extra/early-garbage", W(Concat(Response(200, body, Json), Bytes("garbage after the body\r\n")))),
            S("extra/late-after-connection-close", W(Response(200, body, Json, "Connection: close")), new Late(10, Smuggled())),
            S("extra/late-after-http10", W("HTTP/1.0 200 OK\r\n" + Cl(Len) + "\r\n\r\n" + body), new Late(10, Smuggled())),
            S("extra/smuggled-after-chunked", W(Concat(Bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked), Smuggled()))),
            S("extra/smuggled-in-chunked-cl-body", W(Concat(Bytes("HTTP/1.1 200 OK\r\n" + Cl(chunked.Length) + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked), Smuggled()))),
            // Interim responses
            S("interim/100", W("HTTP/1.1 100 Continue\r\n\r\n"), W(Response(200, body, Json))),
            S("interim/103-with-headers", W("HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n"), W(Response(200, body, Json))),
            S("interim/several-in-one-write", W(Concat(Bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n"), Response(201, body, Json)))),
            S("interim/100-then-close", W("HTTP/1.1 100 Continue\r\n\r\n"), new Close()),
            S("interim/199", W("HTTP/1.1 199 Whatever\r\n\r\n"), W(Response(200, body, Json))),
            S("interim/101", W("HTTP/1.1 101 Switching Protocols\r\n\r\n"), W(Response(200, body, Json))),
            // Status lines
            S("status/600", W(Response(600, body, Json))),
            S("status/999", W(Response(999, body, Json))),
            S("status/099", W(Response(99, body, Json))),
            S("status/no-reason", W("HTTP/1.1 200\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("status/404", W(Response(404, body, Json))),
            S("status/500", W(Response(500, body, Json))),
            S("status/http2-version", W("HTTP/2.0 200 OK\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("status/garbage", W("SSH-2.0-OpenSSH\r\n\r\n"), new Close()),
            // 204 / 304
            S("nobody/204", W("HTTP/1.1 204 No Content\r\n\r\n")),
            S("nobody/204-cl", W("HTTP/1.1 204 No Content\r\n" + Cl(Len) + "\r\n\r\n")),
            S("nobody/204-cl-and-body", W("HTTP/1.1 204 No Content\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("nobody/204-body-no-cl", W("HTTP/1.1 204 No Content\r\n\r\n" + body)),
            S("nobody/204-chunked", W("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)),
            S("nobody/304-cl", W("HTTP/1.1 304 Not Modified\r\n" + Cl(Len) + "\r\n\r\n")),
            S("nobody/304-cl-and-body", W("HTTP/1.1 304 Not Modified\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("nobody/304-zero-cl", W("HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\n\r\n")),
            // Line endings and head shape
            S("lines/bare-lf-head", W("HTTP/1.1 200 OK\n" + Cl(Len) + "\nContent-Type: application/json\n\n" + body)),
            S("lines/bare-lf-chunk-size", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunked(body, 2, eol: "\n"))),
            S("lines/bare-lf-chunk-size-then-close", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunked(body, 2, eol: "\n")), new Close()),
            S("lines/mixed-endings", W("HTTP/1.1 200 OK\r\n" + Cl(Len) + "\nX-A: 1\r\n\n" + body)),
            S("lines/space-before-colon", W("HTTP/1.1 200 OK\r\nContent-Length : " + len + "\r\n\r\n" + body), new Close()),
            S("lines/folded-header", W("HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("lines/no-colon", W("HTTP/1.1 200 OK\r\nNoColonHere\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("lines/obs-text-value", W("HTTP/1.1 200 OK\r\nX-A: caf\u00e9\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("lines/control-in-value", W("HTTP/1.1 200 OK\r\nX-A: a\u0001b\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("lines/nul-in-value", W("HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("lines/huge-head-60k", W("HTTP/1.1 200 OK\r\nX-Big: " + new string('b', 60_000) + "\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("lines/huge-head-100k", W("HTTP/1.1 200 OK\r\nX-Big: " + new string('b', 100_000) + "\r\n" + Cl(Len) + "\r\n\r\n" + body)),
            S("lines/many-fields", W(Head("HTTP/1.1 200 OK", Enumerable.Range(0, 3000).Select(i => "X-F" + (i % 7) + ": " + i).Append(Cl(Len))) + body)),
            // Resets and closes
            S("reset/before-head", new Reset()),
            S("reset/mid-head", W("HTTP/1.1 200 OK\r\nContent-Le"), new Delay(10), new Reset()),
            S("reset/mid-body", W("HTTP/1.1 200 OK\r\n" + Cl(Len) + "\r\n\r\n" + body[..20]), new Delay(10), new Reset()),
            S("reset/after-body", W(Response(200, body, Json)), new Reset()),
            S("close/before-head", new Close()),
            S("close/mid-head", W("HTTP/1.1 200 OK\r\nContent-Le"), new Close()),
            S("close/mid-chunk", W("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked[..15]), new Close()),
            S("close/after-body", W(Response(200, body, Json)), new Close()),
            // Slow backends
            S("slow/drip-head", new Drip(Response(200, body, Json), 16, 1)),
            S("slow/drip-chunked", new Drip(Bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked), 16, 1)),
            S("slow/delayed-head", new Delay(100), W(Response(200, body, Json))),
            S("slow/hang-before-head", new Delay(3000)),
            S("slow/hang-mid-body", W("HTTP/1.1 200 OK\r\n" + Cl(Len) + "\r\n\r\n" + body[..20]), new Delay(3000)),
            // Content-Encoding
            GzipScript("gzip/content-length", chunked: false, corrupt: false),
            GzipScript("gzip/chunked", chunked: true, corrupt: false),
            GzipScript("gzip/corrupt", chunked: false, corrupt: true),
            // Bodies the json endpoint cannot take
            S("json/not-json", W(Response(200, TextBody(10)))),
            S("json/array", W(Response(200, "[\"" + ExchangeId.Placeholder + "\"]", Json))),
            S("json/trailing-garbage", W(Response(200, body + "}}garbage", Json))),
            S("json/201", W(Response(201, body, Json))),
        ];
    }

    private static Script GzipScript(string name, bool chunked, bool corrupt) => new(name, [GzipResponse(JsonBody(200), chunked, corrupt)]);
}
