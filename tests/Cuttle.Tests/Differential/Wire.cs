using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Cuttle.Tests.Differential;

/// <summary>Builds the raw bytes scripts write: heads, bodies carrying the exchange id, chunked and gzip framing.</summary>
public static class Wire
{
    public static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    public static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var p in parts)
        {
            p.CopyTo(result, at);
            at += p.Length;
        }
        return result;
    }

    /// <summary>A JSON object naming the exchange, padded to about <paramref name="pad"/> more bytes.</summary>
    public static string JsonBody(int pad = 0, string tag = "ok") =>
        "{\"id\":\"" + ExchangeId.Placeholder + "\",\"tag\":\"" + tag + "\",\"pad\":\"" + new string('p', pad) + "\"}";

    /// <summary>A non-JSON body naming the exchange.</summary>
    public static string TextBody(int pad = 0) => "id=" + ExchangeId.Placeholder + ";" + new string('t', pad);

    /// <summary>A status line and fields; each line ends in <paramref name="eol"/>, then the empty line.</summary>
    public static string Head(string statusLine, IEnumerable<string> fields, string eol = "\r\n")
    {
        var sb = new StringBuilder(statusLine).Append(eol);
        foreach (var f in fields) sb.Append(f).Append(eol);
        return sb.Append(eol).ToString();
    }

    public static string Cl(int length) => "Content-Length: " + length.ToString(CultureInfo.InvariantCulture);

    /// <summary>A complete answer with an exact Content-Length.</summary>
    public static byte[] Response(int status, string body, params string[] extra) =>
        Bytes(Head("HTTP/1.1 " + status.ToString(CultureInfo.InvariantCulture) + " X", extra.Append(Cl(Encoding.Latin1.GetByteCount(body)))) + body);

    /// <summary>A smuggled answer: what a desynchronised client would read as the next exchange's response.</summary>
    public static byte[] Smuggled() => Response(200, JsonBody(tag: "smuggled"), "Content-Type: application/json");

    /// <summary>The body in chunked coding, cut into <paramref name="pieces"/> chunks, with optional extension and trailers.</summary>
    public static string Chunked(string body, int pieces = 2, string extension = "", string trailers = "", string eol = "\r\n", bool upper = false)
    {
        var sb = new StringBuilder();
        var size = Math.Max(1, (body.Length + pieces - 1) / Math.Max(1, pieces));
        for (var at = 0; at < body.Length; at += size)
        {
            var piece = body.Substring(at, Math.Min(size, body.Length - at));
            sb.Append(piece.Length.ToString(upper ? "X" : "x", CultureInfo.InvariantCulture)).Append(extension).Append(eol).Append(piece).Append("\r\n");
        }
        return sb.Append('0').Append(eol).Append(trailers).Append(eol).ToString();
    }

    public static byte[] Gzip(string body)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(Encoding.Latin1.GetBytes(body));
        return ms.ToArray();
    }

    /// <summary>A gzip-encoded answer rendered per exchange (the id sits inside the compressed body).</summary>
    public static Rendered GzipResponse(string body, bool chunked = false, bool corrupt = false) => new(
        $"gzip{(chunked ? " chunked" : "")}{(corrupt ? " corrupt" : "")} {body.Length}B",
        id =>
        {
            var gz = Gzip(body.Replace(ExchangeId.Placeholder, id, StringComparison.Ordinal));
            if (corrupt) gz[gz.Length / 2] ^= 0x5a;
            var head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n";
            if (!chunked) return Concat(Bytes(head + Cl(gz.Length) + "\r\n\r\n"), gz);
            var half = gz.Length / 2;
            return Concat(Bytes(head + "Transfer-Encoding: chunked\r\n\r\n" + half.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), gz[..half],
                Bytes("\r\n" + (gz.Length - half).ToString("x", CultureInfo.InvariantCulture) + "\r\n"), gz[half..], Bytes("\r\n0\r\n\r\n"));
        });
}
