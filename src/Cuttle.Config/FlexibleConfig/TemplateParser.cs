using System.Globalization;
using System.Text;

namespace Cuttle.Config.FlexibleConfig;

/// <summary>
/// Parses the subset of Go text/template that KrakenD flexible-configuration files use: actions with pipelines,
/// variables, if/else if/with/range/else/end, template, define, block, break/continue, comments and the
/// <c>{{-</c>/<c>-}}</c> trim markers (which, as in Go, need a space next to the dash).
/// </summary>
internal sealed class TemplateParser
{
    private enum Tok { Ident, Field, Variable, String, Number, LParen, RParen, Pipe, Declare, Assign, Comma }

    private readonly record struct Token(Tok Kind, string Text, int Pos, int End, object? Value = null);

    private readonly record struct Item(int Pos, string? Text, List<Token>? Tokens);

    private readonly TemplateSource _source;
    private readonly Dictionary<string, TemplateDefinition> _defined;
    private List<Item> _items = [];
    private int _next;

    private TemplateParser(TemplateSource source, Dictionary<string, TemplateDefinition> defined)
    {
        _source = source;
        _defined = defined;
    }

    /// <summary>Parses <paramref name="source"/> into <paramref name="templates"/> under its name; <c>define</c>s add more names.</summary>
    public static void Parse(TemplateSource source, Dictionary<string, TemplateDefinition> templates)
    {
        var parser = new TemplateParser(source, templates);
        parser._items = parser.Scan();
        var body = parser.ParseList(out var stop);
        if (stop is not null)
            throw source.Error(stop.Value.Pos, $"unexpected {{{{{stop.Value.Tokens![0].Text}}}}}");
        // Like Go, a file that only holds defines does not replace an existing template of the same name with an empty one.
        if (!templates.ContainsKey(source.Name) || !IsEmpty(body))
            templates[source.Name] = new TemplateDefinition(source, body);
    }

    private static bool IsEmpty(List<TemplateNode> body)
    {
        foreach (var n in body)
            if (n is not TextNode t || !string.IsNullOrWhiteSpace(t.Text)) return false;
        return true;
    }

    // ---- scanning: split text and actions ----

    private List<Item> Scan()
    {
        var text = _source.Text;
        var items = new List<Item>();
        var i = 0;
        var trimNext = false;
        while (i <= text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            var textEnd = open < 0 ? text.Length : open;
            var segStart = i;
            if (trimNext)
                while (segStart < textEnd && IsSpace(text[segStart])) segStart++;
            var segEnd = textEnd;
            var p = open + 2;
            var trimLeft = open >= 0 && p + 1 < text.Length && text[p] == '-' && IsSpace(text[p + 1]);
            if (trimLeft)
                while (segEnd > segStart && IsSpace(text[segEnd - 1])) segEnd--;
            if (segEnd > segStart) items.Add(new Item(segStart, text[segStart..segEnd], null));
            if (open < 0) break;
            if (trimLeft) p += 2;
            while (p < text.Length && IsSpace(text[p]) && p + 1 < text.Length && text[p + 1] == '/') p++;
            if (p + 1 < text.Length && text[p] == '/' && text[p + 1] == '*')
            {
                var close = text.IndexOf("*/", p + 2, StringComparison.Ordinal);
                if (close < 0) throw _source.Error(open, "unclosed comment");
                var q = close + 2;
                (i, trimNext) = ExpectClose(q, open, "comment ends before closing delimiter");
                continue;
            }
            var tokens = new List<Token>();
            (i, trimNext) = LexAction(p, open, tokens);
            items.Add(new Item(open, null, tokens));
        }
        return items;
    }

    private (int Next, bool TrimRight) ExpectClose(int q, int open, string error)
    {
        var text = _source.Text;
        var s = q;
        while (s < text.Length && IsSpace(text[s])) s++;
        if (s > q && s + 2 < text.Length + 0 && text[s] == '-' && text.AsSpan(s + 1).StartsWith("}}"))
            return (s + 3, true);
        if (text.AsSpan(s).StartsWith("}}")) return (s + 2, false);
        throw _source.Error(open, error);
    }

    private (int Next, bool TrimRight) LexAction(int p, int open, List<Token> tokens)
    {
        var text = _source.Text;
        while (true)
        {
            if (p >= text.Length) throw _source.Error(open, "unclosed action");
            var c = text[p];
            if (IsSpace(c))
            {
                var s = p;
                while (s < text.Length && IsSpace(text[s])) s++;
                if (s + 2 < text.Length && text[s] == '-' && text[s + 1] == '}' && text[s + 2] == '}')
                    return (s + 3, true);
                p = s;
                continue;
            }
            if (c == '}' && p + 1 < text.Length && text[p + 1] == '}') return (p + 2, false);
            var start = p;
            switch (c)
            {
                case '(': tokens.Add(new Token(Tok.LParen, "(", p, ++p)); continue;
                case ')': tokens.Add(new Token(Tok.RParen, ")", p, ++p)); continue;
                case '|': tokens.Add(new Token(Tok.Pipe, "|", p, ++p)); continue;
                case ',': tokens.Add(new Token(Tok.Comma, ",", p, ++p)); continue;
                case '=': tokens.Add(new Token(Tok.Assign, "=", p, ++p)); continue;
                case ':':
                    if (p + 1 < text.Length && text[p + 1] == '=') { tokens.Add(new Token(Tok.Declare, ":=", p, p += 2)); continue; }
                    throw _source.Error(p, "expected :=");
                case '"':
                    tokens.Add(LexQuoted(ref p));
                    continue;
                case '`':
                {
                    var close = text.IndexOf('`', p + 1);
                    if (close < 0) throw _source.Error(p, "unterminated raw quoted string");
                    tokens.Add(new Token(Tok.String, text[start..(close + 1)], start, close + 1, text[(p + 1)..close]));
                    p = close + 1;
                    continue;
                }
                case '\'':
                {
                    var close = text.IndexOf('\'', p + 1);
                    if (close < 0) throw _source.Error(p, "unterminated character constant");
                    var ch = Unquote(text[(p + 1)..close], p);
                    tokens.Add(new Token(Tok.Number, text[start..(close + 1)], start, close + 1, ch.Length > 0 ? (long)char.ConvertToUtf32(ch, 0) : 0L));
                    p = close + 1;
                    continue;
                }
            }
            if (c == '.' || c == '$')
            {
                p++;
                while (p < text.Length && (IsIdentChar(text[p]) || (text[p] == '.' && p + 1 < text.Length && IsIdentChar(text[p + 1])))) p++;
                var word = text[start..p];
                if (c == '.' && word.Length > 1 && char.IsAsciiDigit(word[1]))
                {
                    // .5 is a number
                    tokens.Add(LexNumber(start, ref p));
                    continue;
                }
                tokens.Add(new Token(c == '.' ? Tok.Field : Tok.Variable, word, start, p));
                continue;
            }
            if (char.IsAsciiDigit(c) || ((c == '-' || c == '+') && p + 1 < text.Length && char.IsAsciiDigit(text[p + 1])))
            {
                tokens.Add(LexNumber(start, ref p));
                continue;
            }
            if (IsIdentChar(c))
            {
                while (p < text.Length && IsIdentChar(text[p])) p++;
                tokens.Add(new Token(Tok.Ident, text[start..p], start, p));
                continue;
            }
            throw _source.Error(p, $"unexpected \"{c}\" in command");
        }
    }

    private Token LexQuoted(ref int p)
    {
        var text = _source.Text;
        var start = p++;
        var sb = new StringBuilder();
        while (true)
        {
            if (p >= text.Length || text[p] == '\n') throw _source.Error(start, "unterminated quoted string");
            var c = text[p];
            if (c == '"') { p++; break; }
            if (c == '\\' && p + 1 < text.Length) { sb.Append(c).Append(text[p + 1]); p += 2; continue; }
            sb.Append(c);
            p++;
        }
        return new Token(Tok.String, text[start..p], start, p, Unquote(sb.ToString(), start));
    }

    private string Unquote(string s, int pos)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length) { sb.Append(s[i]); continue; }
            var e = s[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '"': sb.Append('"'); break;
                case '\'': sb.Append('\''); break;
                case 'x' when i + 2 < s.Length:
                    sb.Append((char)int.Parse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); i += 2; break;
                case 'u' when i + 4 < s.Length:
                    sb.Append((char)int.Parse(s.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); i += 4; break;
                default: throw _source.Error(pos, $"unknown escape sequence \\{e}");
            }
        }
        return sb.ToString();
    }

    private Token LexNumber(int start, ref int p)
    {
        var text = _source.Text;
        p = start + 1;
        while (p < text.Length && (char.IsAsciiLetterOrDigit(text[p]) || text[p] is '.' or '_' || ((text[p] is '+' or '-') && text[p - 1] is 'e' or 'E'))) p++;
        var word = text[start..p];
        var clean = word.Replace("_", "", StringComparison.Ordinal);
        object value;
        if (clean.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && long.TryParse(clean.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
            value = hex;
        else if (long.TryParse(clean, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            value = l;
        else if (double.TryParse(clean, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            value = d;
        else
            throw _source.Error(start, $"bad number syntax: \"{word}\"");
        return new Token(Tok.Number, word, start, p, value);
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsIdentChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    // ---- structure ----

    private List<TemplateNode> ParseList(out Item? stop)
    {
        var list = new List<TemplateNode>();
        while (_next < _items.Count)
        {
            var item = _items[_next++];
            if (item.Text is not null) { list.Add(new TextNode(item.Pos, item.Text)); continue; }
            var tokens = item.Tokens!;
            if (tokens.Count == 0) throw _source.Error(item.Pos, "missing value for command");
            var first = tokens[0];
            if (first.Kind == Tok.Ident)
            {
                switch (first.Text)
                {
                    case "end":
                    case "else":
                        stop = item;
                        return list;
                    case "if": list.Add(ParseBranch(BranchKind.If, item, 1)); continue;
                    case "with": list.Add(ParseBranch(BranchKind.With, item, 1)); continue;
                    case "range": list.Add(ParseBranch(BranchKind.Range, item, 1)); continue;
                    case "break":
                    case "continue":
                        list.Add(new LoopControlNode(item.Pos, first.Text == "break"));
                        continue;
                    case "template":
                        list.Add(ParseTemplateCall(item));
                        continue;
                    case "define":
                    case "block":
                    {
                        var name = tokens.Count > 1 && tokens[1].Kind == Tok.String ? (string)tokens[1].Value! : throw _source.Error(item.Pos, $"{first.Text} needs a quoted template name");
                        PipelineNode? pipe = first.Text == "block" ? ParsePipeline(tokens, 2, tokens.Count, item.Pos, allowDecl: false) : null;
                        var body = ParseList(out var end);
                        ExpectEnd(end, item, first.Text);
                        _defined[name] = new TemplateDefinition(_source, body);
                        if (first.Text == "block") list.Add(new TemplateCallNode(item.Pos, name, pipe));
                        continue;
                    }
                }
            }
            list.Add(new ActionNode(item.Pos, ParsePipeline(tokens, 0, tokens.Count, item.Pos, allowDecl: true)));
        }
        stop = null;
        return list;
    }

    private void ExpectEnd(Item? end, Item opener, string what)
    {
        if (end is null) throw _source.Error(opener.Pos, $"unexpected EOF: {{{{{what}}}}} has no matching {{{{end}}}}");
        if (end.Value.Tokens![0].Text != "end" || end.Value.Tokens.Count != 1)
            throw _source.Error(end.Value.Pos, $"unexpected {{{{{end.Value.Tokens[0].Text}}}}} in {what}");
    }

    private BranchNode ParseBranch(BranchKind kind, Item item, int from)
    {
        var name = kind.ToString().ToLowerInvariant();
        var tokens = item.Tokens!;
        var pipe = ParsePipeline(tokens, from, tokens.Count, item.Pos, allowDecl: true);
        if (pipe.Commands.Count == 0) throw _source.Error(item.Pos, $"missing value for {name}");
        var body = ParseList(out var stop);
        if (stop is null) throw _source.Error(item.Pos, $"unexpected EOF: {{{{{name}}}}} has no matching {{{{end}}}}");
        List<TemplateNode>? elseList = null;
        var st = stop.Value.Tokens!;
        if (st[0].Text == "else")
        {
            if (st.Count > 1 && st[1].Kind == Tok.Ident && (st[1].Text == "if" || st[1].Text == "with"))
            {
                // {{else if x}} is {{else}}{{if x}}...{{end}}{{end}} sharing the outer end.
                var inner = ParseBranch(st[1].Text == "if" ? BranchKind.If : BranchKind.With, stop.Value, 2);
                elseList = [inner];
                return new BranchNode(item.Pos, kind, pipe, body, elseList);
            }
            if (st.Count > 1) throw _source.Error(stop.Value.Pos, "unexpected tokens after else");
            elseList = ParseList(out var end);
            ExpectEnd(end, item, name);
        }
        else if (st.Count != 1)
        {
            throw _source.Error(stop.Value.Pos, "unexpected tokens after end");
        }
        return new BranchNode(item.Pos, kind, pipe, body, elseList);
    }

    private TemplateCallNode ParseTemplateCall(Item item)
    {
        var tokens = item.Tokens!;
        if (tokens.Count < 2 || tokens[1].Kind != Tok.String)
            throw _source.Error(item.Pos, "template needs a quoted template name, as in {{template \"name\" .}}");
        var pipe = tokens.Count > 2 ? ParsePipeline(tokens, 2, tokens.Count, item.Pos, allowDecl: false) : null;
        return new TemplateCallNode(item.Pos, (string)tokens[1].Value!, pipe);
    }

    private PipelineNode ParsePipeline(List<Token> tokens, int from, int to, int pos, bool allowDecl)
    {
        var decl = new List<string>();
        var isAssign = false;
        // $x := ..., $i, $e := ..., $x = ...
        if (allowDecl && from < to && tokens[from].Kind == Tok.Variable && !tokens[from].Text.Contains('.', StringComparison.Ordinal))
        {
            var j = from;
            var names = new List<string> { tokens[j].Text };
            j++;
            if (j + 1 < to && tokens[j].Kind == Tok.Comma && tokens[j + 1].Kind == Tok.Variable)
            {
                names.Add(tokens[j + 1].Text);
                j += 2;
            }
            if (j < to && (tokens[j].Kind == Tok.Declare || tokens[j].Kind == Tok.Assign))
            {
                decl = names;
                isAssign = tokens[j].Kind == Tok.Assign;
                from = j + 1;
            }
        }
        var commands = new List<CommandNode>();
        var i = from;
        while (i < to)
        {
            var cmdPos = tokens[i].Pos;
            var args = new List<OperandNode>();
            while (i < to && tokens[i].Kind != Tok.Pipe)
                args.Add(ParseOperand(tokens, ref i, to));
            if (args.Count == 0) throw _source.Error(cmdPos, "missing command in pipeline");
            commands.Add(new CommandNode(cmdPos, args));
            if (i < to)
            {
                i++;
                if (i >= to) throw _source.Error(tokens[i - 1].Pos, "missing command after |");
            }
        }
        if (decl.Count > 0 && commands.Count == 0) throw _source.Error(pos, "missing value in declaration");
        return new PipelineNode(from < tokens.Count ? tokens[Math.Min(from, tokens.Count - 1)].Pos : pos, decl, isAssign, commands);
    }

    private OperandNode ParseOperand(List<Token> tokens, ref int i, int to)
    {
        var t = tokens[i++];
        switch (t.Kind)
        {
            case Tok.Field:
                return new FieldNode(t.Pos, SplitChain(t.Text, 0));
            case Tok.Variable:
            {
                var dot = t.Text.IndexOf('.', StringComparison.Ordinal);
                return dot < 0 ? new VariableNode(t.Pos, t.Text, []) : new VariableNode(t.Pos, t.Text[..dot], SplitChain(t.Text, dot));
            }
            case Tok.String:
            case Tok.Number:
                return new LiteralNode(t.Pos, t.Value);
            case Tok.Ident:
                return t.Text switch
                {
                    "true" => new LiteralNode(t.Pos, true),
                    "false" => new LiteralNode(t.Pos, false),
                    "nil" => new LiteralNode(t.Pos, null),
                    _ => new IdentifierNode(t.Pos, t.Text),
                };
            case Tok.LParen:
            {
                var depth = 1;
                var j = i;
                while (j < to && depth > 0)
                {
                    if (tokens[j].Kind == Tok.LParen) depth++;
                    else if (tokens[j].Kind == Tok.RParen) depth--;
                    if (depth > 0) j++;
                }
                if (depth > 0) throw _source.Error(t.Pos, "unclosed left paren");
                var pipe = ParsePipeline(tokens, i, j, t.Pos, allowDecl: true);
                if (pipe.Commands.Count == 0) throw _source.Error(t.Pos, "missing pipeline in parentheses");
                i = j + 1;
                IReadOnlyList<string> chain = [];
                if (i < to && tokens[i].Kind == Tok.Field && tokens[i].Pos == tokens[j].End)
                    chain = SplitChain(tokens[i++].Text, 0);
                return new SubPipelineNode(t.Pos, pipe, chain);
            }
            default:
                throw _source.Error(t.Pos, $"unexpected \"{t.Text}\" in operand");
        }
    }

    private static string[] SplitChain(string text, int from)
    {
        var rest = text[from..];
        return rest == "." ? [] : rest.Split('.', StringSplitOptions.RemoveEmptyEntries);
    }
}

/// <summary>One named template: its parse tree and the source its positions refer to.</summary>
internal sealed record TemplateDefinition(TemplateSource Source, IReadOnlyList<TemplateNode> Body);
