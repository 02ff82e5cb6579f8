using System.Globalization;
using System.Text;

namespace Cuttle.Gateway.Cel.Language;

/// <summary>
/// Tokenizer for the CEL grammar (cel-spec langdef.md "Syntax"): decimal/hex ints, u-suffixed uints, doubles,
/// single/double/triple-quoted strings with the spec's escapes, r-prefixed raw strings, b-prefixed bytes, and the
/// operator set. Reserved words that are not literals or `in` are rejected as identifiers, as cel-go's parser does.
/// </summary>
internal static class CelLexer
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
        "namespace", "return", "var", "void", "while",
    };

    public static List<CelToken> Tokenize(string text)
    {
        var tokens = new List<CelToken>();
        var i = 0;
        while (true)
        {
            // Whitespace and // comments.
            while (i < text.Length)
            {
                if (char.IsWhiteSpace(text[i])) { i++; continue; }
                if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')
                {
                    while (i < text.Length && text[i] != '\n') i++;
                    continue;
                }
                break;
            }
            if (i >= text.Length)
            {
                tokens.Add(new CelToken(CelTokenKind.End, i));
                return tokens;
            }
            var start = i;
            var c = text[i];
            if (char.IsAsciiLetter(c) || c == '_')
            {
                // String prefixes: r/R (raw), b/B (bytes), in either order.
                var raw = false;
                var bytes = false;
                var j = i;
                while (j < text.Length && j - i < 2 && (text[j] is 'r' or 'R' or 'b' or 'B'))
                {
                    if (text[j] is 'r' or 'R') { if (raw) break; raw = true; }
                    else { if (bytes) break; bytes = true; }
                    j++;
                }
                if (j < text.Length && j > i && text[j] is '"' or '\'')
                {
                    i = j;
                    var s = ReadString(text, ref i, raw, bytes, out var byteValue);
                    tokens.Add(bytes ? new CelToken(CelTokenKind.Bytes, start, byteValue) : new CelToken(CelTokenKind.String, start, s));
                    continue;
                }
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                var word = text[start..i];
                switch (word)
                {
                    case "true": tokens.Add(new CelToken(CelTokenKind.True, start)); break;
                    case "false": tokens.Add(new CelToken(CelTokenKind.False, start)); break;
                    case "null": tokens.Add(new CelToken(CelTokenKind.Null, start)); break;
                    case "in": tokens.Add(new CelToken(CelTokenKind.In, start)); break;
                    default:
                        if (Reserved.Contains(word)) throw new CelSyntaxException($"reserved identifier '{word}'", start);
                        tokens.Add(new CelToken(CelTokenKind.Ident, start, null, word));
                        break;
                }
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
                continue;
            }
            if (c is '"' or '\'')
            {
                var s = ReadString(text, ref i, false, false, out _);
                tokens.Add(new CelToken(CelTokenKind.String, start, s));
                continue;
            }
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            CelTokenKind kind;
            var len = 1;
            switch (c)
            {
                case '(': kind = CelTokenKind.LParen; break;
                case ')': kind = CelTokenKind.RParen; break;
                case '[': kind = CelTokenKind.LBracket; break;
                case ']': kind = CelTokenKind.RBracket; break;
                case '{': kind = CelTokenKind.LBrace; break;
                case '}': kind = CelTokenKind.RBrace; break;
                case '.': kind = CelTokenKind.Dot; break;
                case ',': kind = CelTokenKind.Comma; break;
                case ':': kind = CelTokenKind.Colon; break;
                case '?': kind = CelTokenKind.Question; break;
                case '+': kind = CelTokenKind.Plus; break;
                case '-': kind = CelTokenKind.Minus; break;
                case '*': kind = CelTokenKind.Star; break;
                case '/': kind = CelTokenKind.Slash; break;
                case '%': kind = CelTokenKind.Percent; break;
                case '!': if (next == '=') { kind = CelTokenKind.Ne; len = 2; } else kind = CelTokenKind.Not; break;
                case '=': if (next == '=') { kind = CelTokenKind.Eq; len = 2; } else throw new CelSyntaxException("unexpected '=' (did you mean '=='?)", i); break;
                case '<': if (next == '=') { kind = CelTokenKind.Le; len = 2; } else kind = CelTokenKind.Lt; break;
                case '>': if (next == '=') { kind = CelTokenKind.Ge; len = 2; } else kind = CelTokenKind.Gt; break;
                case '&': if (next == '&') { kind = CelTokenKind.And; len = 2; } else throw new CelSyntaxException("unexpected '&' (did you mean '&&'?)", i); break;
                case '|': if (next == '|') { kind = CelTokenKind.Or; len = 2; } else throw new CelSyntaxException("unexpected '|' (did you mean '||'?)", i); break;
                default: throw new CelSyntaxException($"unexpected character '{c}'", i);
            }
            tokens.Add(new CelToken(kind, start));
            i += len;
        }
    }

    private static CelToken ReadNumber(string text, ref int i)
    {
        var start = i;
        if (text[i] == '0' && i + 1 < text.Length && text[i + 1] is 'x' or 'X')
        {
            i += 2;
            var digitsStart = i;
            while (i < text.Length && char.IsAsciiHexDigit(text[i])) i++;
            if (i == digitsStart) throw new CelSyntaxException("invalid hex literal", start);
            var hex = text[digitsStart..i];
            if (i < text.Length && text[i] is 'u' or 'U')
            {
                i++;
                if (!ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u))
                    throw new CelSyntaxException("uint literal out of range", start);
                return new CelToken(CelTokenKind.Uint, start, u);
            }
            if (!ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h) || h > long.MaxValue)
                throw new CelSyntaxException("int literal out of range", start);
            return new CelToken(CelTokenKind.Int, start, (long)h);
        }
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        var isDouble = false;
        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            isDouble = true;
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < text.Length && text[j] is '+' or '-') j++;
            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                isDouble = true;
                i = j;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            }
        }
        var literal = text[start..i];
        if (isDouble) return new CelToken(CelTokenKind.Double, start, double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture));
        if (i < text.Length && text[i] is 'u' or 'U')
        {
            i++;
            if (!ulong.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var u))
                throw new CelSyntaxException("uint literal out of range", start);
            return new CelToken(CelTokenKind.Uint, start, u);
        }
        // Kept as ulong so that -9223372036854775808 can be folded by the parser's unary minus.
        if (!ulong.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v > (ulong)long.MaxValue + 1)
            throw new CelSyntaxException("int literal out of range", start);
        return new CelToken(CelTokenKind.Int, start, v > long.MaxValue ? (object)v : (long)v);
    }

    private static string ReadString(string text, ref int i, bool raw, bool bytes, out byte[]? byteValue)
    {
        var start = i;
        var quote = text[i];
        var triple = i + 2 < text.Length && text[i + 1] == quote && text[i + 2] == quote;
        i += triple ? 3 : 1;
        var sb = new StringBuilder();
        var octets = bytes ? new List<byte>() : null;
        while (true)
        {
            if (i >= text.Length) throw new CelSyntaxException("unterminated string literal", start);
            var c = text[i];
            if (triple ? (c == quote && i + 2 < text.Length && text[i + 1] == quote && text[i + 2] == quote) : c == quote)
            {
                i += triple ? 3 : 1;
                break;
            }
            if (!triple && c is '\n' or '\r') throw new CelSyntaxException("newline in string literal", i);
            if (c != '\\' || raw)
            {
                if (octets is not null)
                {
                    octets.AddRange(Encoding.UTF8.GetBytes(text.Substring(i, char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1)));
                }
                sb.Append(c);
                if (char.IsHighSurrogate(c) && i + 1 < text.Length) { sb.Append(text[i + 1]); i++; }
                i++;
                continue;
            }
            var escStart = i;
            i++;
            if (i >= text.Length) throw new CelSyntaxException("unterminated escape sequence", escStart);
            var e = text[i++];
            int code;
            switch (e)
            {
                case '\\': code = '\\'; break;
                case '"': code = '"'; break;
                case '\'': code = '\''; break;
                case '`': code = '`'; break;
                case '?': code = '?'; break;
                case 'a': code = 7; break;
                case 'b': code = 8; break;
                case 'f': code = 12; break;
                case 'n': code = 10; break;
                case 'r': code = 13; break;
                case 't': code = 9; break;
                case 'v': code = 11; break;
                case 'x' or 'X': code = Hex(text, ref i, 2, escStart); if (octets is not null) { octets.Add((byte)code); continue; } break;
                case 'u': if (bytes) throw new CelSyntaxException("\\u escape not allowed in bytes", escStart); code = Hex(text, ref i, 4, escStart); break;
                case 'U': if (bytes) throw new CelSyntaxException("\\U escape not allowed in bytes", escStart); code = Hex(text, ref i, 8, escStart); break;
                case >= '0' and <= '3':
                    if (i + 1 >= text.Length || text[i] is < '0' or > '7' || text[i + 1] is < '0' or > '7')
                        throw new CelSyntaxException("invalid octal escape", escStart);
                    code = ((e - '0') << 6) | ((text[i] - '0') << 3) | (text[i + 1] - '0');
                    i += 2;
                    if (octets is not null) { octets.Add((byte)code); continue; }
                    break;
                default: throw new CelSyntaxException($"invalid escape sequence '\\{e}'", escStart);
            }
            if (code is > 0x10FFFF or (>= 0xD800 and <= 0xDFFF)) throw new CelSyntaxException("invalid unicode code point", escStart);
            var str = char.ConvertFromUtf32(code);
            sb.Append(str);
            octets?.AddRange(Encoding.UTF8.GetBytes(str));
        }
        byteValue = octets?.ToArray();
        return sb.ToString();
    }

    private static int Hex(string text, ref int i, int digits, int escStart)
    {
        if (i + digits > text.Length || !int.TryParse(text.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
            throw new CelSyntaxException("invalid hex escape", escStart);
        i += digits;
        return v;
    }
}
