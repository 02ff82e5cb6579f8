using System.Buffers;
using System.Text;

namespace Cuttle.Go;

/// <summary>
/// Go's encoding/json string encoding (json.Marshal, HTML-safe): '"' and '\' escaped, \b \f \n \r \t by name,
/// other C0 controls, &lt; &gt; &amp; and U+2028/U+2029 as \u00XX, lone surrogates (invalid UTF-8 to Go) as \ufffd,
/// everything else as UTF-8. One implementation for the gateway's bodies and the configuration's templates.
/// </summary>
public static class GoJson
{
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    public static void WriteString(IBufferWriter<byte> output, string value)
    {
        var max = value.Length * 6 + 2; // worst case: every char becomes \u00XX
        var span = output.GetSpan(Math.Max(max, 16));
        var pos = 0;
        span[pos++] = (byte)'"';
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x80)
            {
                switch (c)
                {
                    case '"': span[pos++] = (byte)'\\'; span[pos++] = (byte)'"'; break;
                    case '\\': span[pos++] = (byte)'\\'; span[pos++] = (byte)'\\'; break;
                    case '\n': span[pos++] = (byte)'\\'; span[pos++] = (byte)'n'; break;
                    case '\r': span[pos++] = (byte)'\\'; span[pos++] = (byte)'r'; break;
                    case '\t': span[pos++] = (byte)'\\'; span[pos++] = (byte)'t'; break;
                    case '\b': span[pos++] = (byte)'\\'; span[pos++] = (byte)'b'; break;
                    case '\f': span[pos++] = (byte)'\\'; span[pos++] = (byte)'f'; break;
                    case '<': case '>': case '&': pos = WriteUnicodeEscape(span, pos, c); break;
                    default:
                        if (c < 0x20) pos = WriteUnicodeEscape(span, pos, c);
                        else span[pos++] = (byte)c;
                        break;
                }
            }
            else if (c == '\u2028' || c == '\u2029')
            {
                pos = WriteUnicodeEscape(span, pos, c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                pos += new Rune(c, value[i + 1]).EncodeToUtf8(span[pos..]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                // Go replaces invalid UTF-8 / lone surrogates with U+FFFD.
                pos = WriteUnicodeEscape(span, pos, '\ufffd');
            }
            else
            {
                pos += new Rune(c).EncodeToUtf8(span[pos..]);
            }
        }
        span[pos++] = (byte)'"';
        output.Advance(pos);
    }

    private static int WriteUnicodeEscape(Span<byte> span, int pos, char c)
    {
        span[pos++] = (byte)'\\';
        span[pos++] = (byte)'u';
        span[pos++] = Hex[(c >> 12) & 0xF];
        span[pos++] = Hex[(c >> 8) & 0xF];
        span[pos++] = Hex[(c >> 4) & 0xF];
        span[pos++] = Hex[c & 0xF];
        return pos;
    }

    /// <summary>Appends the quoted string as <see cref="WriteString"/> encodes it (for text built in a StringBuilder).</summary>
    public static void AppendString(StringBuilder sb, string value)
    {
        var buffer = new ArrayBufferWriter<byte>(value.Length + 16);
        WriteString(buffer, value);
        sb.Append(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
