using System.Text;

namespace Cuttle.Tests.Differential;

/// <summary>
/// What the hostile backend plays when a request for an exchange arrives: a sequence of steps on the connection the
/// request came in on. Bytes carry <see cref="ExchangeId.Placeholder"/> wherever the exchange id goes, so every body
/// (and every smuggled answer) names the exchange it was written for; after the last step the backend reads the next
/// request on the same connection unless a step closed or reset it. A request reuses whatever connection its client
/// picked, so a campaign of scripts is also a sequence of plans per connection.
/// </summary>
public sealed record Script(string Name, IReadOnlyList<Step> Steps)
{
    /// <summary>The family (the part of the name before '/'), for counting.</summary>
    public string Family => Name.IndexOf('/') is var i and >= 0 ? Name[..i] : Name;

    public override string ToString() => Name + ": " + string.Join(" | ", Steps);

    /// <summary>
    /// The bytes of each step for the exchange, the id filled in across step boundaries (a split or a drip may cut
    /// through a placeholder: filled step by step, neither half would carry the id). Steps without bytes get none.
    /// </summary>
    public byte[][] Render(string id)
    {
        var parts = new byte[Steps.Count][];
        var all = new MemoryStream();
        for (var i = 0; i < Steps.Count; i++)
        {
            var bytes = Steps[i] switch { Write w => w.Bytes, Drip d => d.Bytes, Late l => l.Bytes, _ => [] };
            all.Write(bytes);
            parts[i] = bytes;
        }
        var filled = ExchangeId.Fill(all.ToArray(), id);
        var at = 0;
        for (var i = 0; i < Steps.Count; i++)
        {
            parts[i] = Steps[i] is Rendered r ? r.Render(id) : filled.AsSpan(at, parts[i].Length).ToArray();
            at += Steps[i] is Rendered ? 0 : parts[i].Length;
        }
        return parts;
    }
}

/// <summary>One step of a <see cref="Script"/>.</summary>
public abstract record Step;

/// <summary>Writes bytes at once (one send).</summary>
public sealed record Write(byte[] Bytes) : Step
{
    public override string ToString() => "write " + Printable(Bytes);

    internal static string Printable(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 160)).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return bytes.Length > 160 ? $"{text}…({bytes.Length} bytes)" : text;
    }
}

/// <summary>Writes bytes rendered for the exchange id (what cannot hold a placeholder: a gzip body and its length).</summary>
public sealed record Rendered(string Description, Func<string, byte[]> Render) : Step
{
    public override string ToString() => "write " + Description;
}

/// <summary>Writes bytes a few at a time with a pause between pieces (a slow or trickling backend).</summary>
public sealed record Drip(byte[] Bytes, int PieceSize, int PauseMs) : Step
{
    public override string ToString() => $"drip {PieceSize}B/{PauseMs}ms " + Write.Printable(Bytes);
}

/// <summary>Waits.</summary>
public sealed record Delay(int Milliseconds) : Step
{
    public override string ToString() => $"delay {Milliseconds}ms";
}

/// <summary>
/// Unsolicited bytes after a pause, but only while the connection is idle: when the client already sent its next
/// request on it, they are not written (a request and an answer crossing on the wire is not something any HTTP/1.1
/// client can tell apart from a real answer; the harness tests what a client does with bytes it can see first).
/// </summary>
public sealed record Late(int PauseMs, byte[] Bytes) : Step
{
    public override string ToString() => $"late {PauseMs}ms " + Write.Printable(Bytes);
}

/// <summary>Closes the connection (FIN) after what was written.</summary>
public sealed record Close : Step
{
    public override string ToString() => "close";
}

/// <summary>Resets the connection (RST: SO_LINGER 0), discarding anything unsent.</summary>
public sealed record Reset : Step
{
    public override string ToString() => "reset";
}

/// <summary>Exchange ids: fixed length so Content-Length values in scripts hold whatever the id is.</summary>
public static class ExchangeId
{
    /// <summary>"ex" + side letter + 9 digits.</summary>
    public const int Length = 12;
    public const string Placeholder = "@@@@@@@@@@@@";
    public static readonly byte[] PlaceholderBytes = Encoding.ASCII.GetBytes(Placeholder);

    public static string Make(char side, long number) => "ex" + side + number.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The script number an id carries, or -1.</summary>
    public static long Number(ReadOnlySpan<char> id) =>
        id.Length == Length && id.StartsWith("ex") && long.TryParse(id[3..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;

    /// <summary>Every exchange id in the bytes (ids are ASCII, so they are found in any body that carries them).</summary>
    public static List<string> FindAll(byte[] body)
    {
        var found = new List<string>();
        var span = body.AsSpan();
        for (var i = 0; i + Length <= span.Length; i++)
        {
            if (span[i] != (byte)'e' || span[i + 1] != (byte)'x' || span[i + 2] is < (byte)'a' or > (byte)'z') continue;
            var ok = true;
            for (var j = 3; j < Length && ok; j++) ok = span[i + j] is >= (byte)'0' and <= (byte)'9';
            if (ok) found.Add(Encoding.ASCII.GetString(span.Slice(i, Length)));
        }
        return found;
    }

    /// <summary>The bytes with every placeholder replaced by the id.</summary>
    public static byte[] Fill(byte[] template, string id)
    {
        var span = template.AsSpan();
        if (span.IndexOf(PlaceholderBytes) < 0) return template;
        var result = (byte[])template.Clone();
        var idBytes = Encoding.ASCII.GetBytes(id);
        int at, from = 0;
        while ((at = result.AsSpan(from).IndexOf(PlaceholderBytes)) >= 0)
        {
            idBytes.CopyTo(result, from + at);
            from += at + Length;
        }
        return result;
    }

    /// <summary>
    /// The bytes with the id put back to the placeholder (to compare bodies of different exchanges), including a
    /// body cut short inside the id (a Content-Length that ends in the middle of it).
    /// </summary>
    public static byte[] Unfill(byte[] body, string id)
    {
        var idBytes = Encoding.ASCII.GetBytes(id);
        var result = (byte[])body.Clone();
        for (var cut = Length - 1; cut >= 3; cut--)
        {
            if (!result.AsSpan().EndsWith(idBytes.AsSpan(0, cut))) continue;
            PlaceholderBytes.AsSpan(0, cut).CopyTo(result.AsSpan(result.Length - cut));
            break;
        }
        int at, from = 0;
        while ((at = result.AsSpan(from).IndexOf(idBytes)) >= 0)
        {
            PlaceholderBytes.CopyTo(result, from + at);
            from += at + Length;
        }
        return result;
    }
}
