namespace Cuttle.Gateway.Cel.Language;

/// <summary>
/// Pratt parser for CEL's grammar (langdef.md): ?: below ||, below &amp;&amp;, below the relations (== != &lt; &lt;= &gt;=
/// &gt; in, left-associative), below + -, below * / %, below unary ! and -, below member access, index and calls.
/// Identifiers resolve at parse time to krakend-cel's declared variables or to comprehension slots, and calls to
/// their overloads, so evaluation does no name lookups. Anything unknown is reported with its position.
/// </summary>
internal sealed class CelParser
{
    private const int MaxDepth = 100;

    private readonly List<CelToken> _tokens;
    private readonly List<string> _scopes = [];
    private int _pos;
    private int _depth;
    private int _slots;

    private CelParser(List<CelToken> tokens) => _tokens = tokens;

    /// <summary>Parses an expression; throws <see cref="CelSyntaxException"/> on any error.</summary>
    public static (CelNode Root, int Locals) Parse(string text)
    {
        var parser = new CelParser(CelLexer.Tokenize(text));
        var root = parser.Expr();
        if (parser.Peek.Kind != CelTokenKind.End) throw new CelSyntaxException("unexpected " + Describe(parser.Peek), parser.Peek.Position);
        return (root, parser._slots);
    }

    private CelToken Peek => _tokens[_pos];

    private CelToken Next() => _tokens[_pos++];

    private CelToken Expect(CelTokenKind kind, string what)
    {
        var t = Peek;
        if (t.Kind != kind) throw new CelSyntaxException($"expected {what}, found {Describe(t)}", t.Position);
        return Next();
    }

    private static string Describe(CelToken t) => t.Kind switch
    {
        CelTokenKind.End => "end of expression",
        CelTokenKind.Ident => $"'{t.Text}'",
        _ => t.Kind.ToString(),
    };

    private CelNode Expr()
    {
        if (++_depth > MaxDepth) throw new CelSyntaxException("expression nested too deeply", Peek.Position);
        var condition = Binary(0);
        if (Peek.Kind == CelTokenKind.Question)
        {
            Next();
            var whenTrue = Binary(0);
            Expect(CelTokenKind.Colon, "':'");
            var whenFalse = Expr();
            condition = new ConditionalNode(condition, whenTrue, whenFalse);
        }
        _depth--;
        return condition;
    }

    private static int Precedence(CelTokenKind kind) => kind switch
    {
        CelTokenKind.Or => 1,
        CelTokenKind.And => 2,
        CelTokenKind.Eq or CelTokenKind.Ne or CelTokenKind.Lt or CelTokenKind.Le or CelTokenKind.Gt or CelTokenKind.Ge or CelTokenKind.In => 3,
        CelTokenKind.Plus or CelTokenKind.Minus => 4,
        CelTokenKind.Star or CelTokenKind.Slash or CelTokenKind.Percent => 5,
        _ => 0,
    };

    /// <summary>Precedence climbing over the left-associative binary operators.</summary>
    private CelNode Binary(int minPrecedence)
    {
        var left = Unary();
        while (true)
        {
            var op = Peek.Kind;
            var p = Precedence(op);
            if (p == 0 || p <= minPrecedence) return left;
            Next();
            var right = Binary(p);
            left = op switch
            {
                CelTokenKind.Or => new LogicNode(false, left, right),
                CelTokenKind.And => new LogicNode(true, left, right),
                CelTokenKind.Eq => new EqualNode(false, left, right),
                CelTokenKind.Ne => new EqualNode(true, left, right),
                CelTokenKind.In => new InNode(left, right),
                CelTokenKind.Lt or CelTokenKind.Le or CelTokenKind.Gt or CelTokenKind.Ge => new CompareNode(op, left, right),
                _ => new ArithmeticNode(op, left, right),
            };
        }
    }

    private CelNode Unary()
    {
        var t = Peek;
        if (t.Kind == CelTokenKind.Not)
        {
            Next();
            return new NotNode(Unary());
        }
        if (t.Kind == CelTokenKind.Minus)
        {
            Next();
            // A negated literal is folded so that the most negative int64 can be written.
            if (Peek.Kind == CelTokenKind.Int && _tokens[_pos + 1].Kind is not (CelTokenKind.Dot or CelTokenKind.LBracket))
            {
                var lit = Next();
                return lit.Value is ulong u ? new LiteralNode(long.MinValue) : Member(new LiteralNode(-(long)lit.Value!));
            }
            if (Peek.Kind == CelTokenKind.Double && _tokens[_pos + 1].Kind is not (CelTokenKind.Dot or CelTokenKind.LBracket))
                return new LiteralNode(-(double)Next().Value!);
            return new NegateNode(Unary());
        }
        return Member(Primary());
    }

    private CelNode Member(CelNode operand)
    {
        while (true)
        {
            var t = Peek;
            if (t.Kind == CelTokenKind.Dot)
            {
                Next();
                var name = Expect(CelTokenKind.Ident, "a field or method name");
                if (Peek.Kind == CelTokenKind.LParen)
                {
                    Next();
                    operand = ReceiverCall(operand, name);
                }
                else operand = new SelectNode(operand, name.Text!, testOnly: false);
            }
            else if (t.Kind == CelTokenKind.LBracket)
            {
                Next();
                var index = Expr();
                Expect(CelTokenKind.RBracket, "']'");
                operand = new IndexNode(operand, index);
            }
            else return operand;
        }
    }

    private CelNode Primary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case CelTokenKind.Int:
                if (t.Value is ulong) throw new CelSyntaxException("int literal out of range", t.Position);
                return new LiteralNode(t.Value);
            case CelTokenKind.Uint:
            case CelTokenKind.Double:
            case CelTokenKind.String:
            case CelTokenKind.Bytes:
                return new LiteralNode(t.Value);
            case CelTokenKind.True: return new LiteralNode(true);
            case CelTokenKind.False: return new LiteralNode(false);
            case CelTokenKind.Null: return new LiteralNode(null);
            case CelTokenKind.LParen:
            {
                var e = Expr();
                Expect(CelTokenKind.RParen, "')'");
                return e;
            }
            case CelTokenKind.LBracket:
            {
                var items = new List<CelNode>();
                while (Peek.Kind != CelTokenKind.RBracket)
                {
                    items.Add(Expr());
                    if (Peek.Kind != CelTokenKind.Comma) break;
                    Next();
                }
                Expect(CelTokenKind.RBracket, "']'");
                return new ListNode([.. items]);
            }
            case CelTokenKind.LBrace:
            {
                var keys = new List<CelNode>();
                var values = new List<CelNode>();
                while (Peek.Kind != CelTokenKind.RBrace)
                {
                    keys.Add(Expr());
                    Expect(CelTokenKind.Colon, "':'");
                    values.Add(Expr());
                    if (Peek.Kind != CelTokenKind.Comma) break;
                    Next();
                }
                Expect(CelTokenKind.RBrace, "'}'");
                return new MapNode([.. keys], [.. values]);
            }
            case CelTokenKind.Dot:
            {
                // A leading dot names the root scope: only declared variables live there.
                var name = Expect(CelTokenKind.Ident, "an identifier");
                return Variable(name);
            }
            case CelTokenKind.Ident:
                if (Peek.Kind == CelTokenKind.LParen)
                {
                    Next();
                    return GlobalCall(t);
                }
                for (var i = _scopes.Count - 1; i >= 0; i--)
                {
                    if (_scopes[i] == t.Text) return new LocalNode(i);
                }
                return Variable(t);
            default:
                throw new CelSyntaxException("unexpected " + Describe(t), t.Position);
        }
    }

    private static CelNode Variable(CelToken name)
        => CelProgram.TryVariable(name.Text!, out var v)
            ? new VariableNode(v)
            : throw new CelSyntaxException($"undeclared reference to '{name.Text}'", name.Position);

    private List<CelNode> Arguments()
    {
        var args = new List<CelNode>();
        while (Peek.Kind != CelTokenKind.RParen)
        {
            args.Add(Expr());
            if (Peek.Kind != CelTokenKind.Comma) break;
            Next();
        }
        Expect(CelTokenKind.RParen, "')'");
        return args;
    }

    private CelNode GlobalCall(CelToken name)
    {
        if (name.Text == "has")
        {
            var arg = Expr();
            Expect(CelTokenKind.RParen, "')'");
            if (arg is not SelectNode) throw new CelSyntaxException("invalid argument to has() macro", name.Position);
            return ((SelectNode)arg).AsPresenceTest();
        }
        var args = Arguments();
        Func<object?, object?>? f1 = name.Text switch
        {
            "size" => CelRuntime.Size,
            "int" => CelFunctions.ToInt,
            "uint" => CelFunctions.ToUint,
            "double" => CelFunctions.ToDouble,
            "string" => CelFunctions.ToString,
            "bool" => CelFunctions.ToBool,
            "bytes" => CelFunctions.ToBytes,
            "timestamp" => CelFunctions.ToTimestamp,
            "duration" => CelFunctions.ToDuration,
            "dyn" => CelFunctions.Dyn,
            _ => null,
        };
        if (f1 is not null)
        {
            if (args.Count != 1) throw new CelSyntaxException($"{name.Text}() takes one argument, got {args.Count}", name.Position);
            // Conversions of a literal (timestamp('2024-01-01T00:00:00Z'), duration('1h')) are folded once, here;
            // a literal that fails to convert stays a call so the error surfaces at evaluation, as in cel-go.
            if (args[0] is LiteralNode literal && f1(literal.Value) is not CelError and var folded) return new LiteralNode(folded);
            return new Call1Node(f1, args[0]);
        }
        if (name.Text == "matches" && args.Count == 2) return Matches(args[0], args[1], name);
        throw new CelSyntaxException($"undeclared reference to '{name.Text}' (in container '')", name.Position);
    }

    private CelNode ReceiverCall(CelNode target, CelToken name)
    {
        switch (name.Text)
        {
            case "all": return Comprehension(ComprehensionKind.All, target, name);
            case "exists": return Comprehension(ComprehensionKind.Exists, target, name);
            case "exists_one": return Comprehension(ComprehensionKind.ExistsOne, target, name);
            case "map": return Comprehension(ComprehensionKind.Map, target, name);
            case "filter": return Comprehension(ComprehensionKind.Filter, target, name);
        }
        var args = Arguments();
        switch (name.Text, args.Count)
        {
            case ("size", 0): return new Call1Node(CelRuntime.Size, target);
            case ("startsWith", 1): return new Call2Node(CelFunctions.StartsWith, target, args[0]);
            case ("endsWith", 1): return new Call2Node(CelFunctions.EndsWith, target, args[0]);
            case ("contains", 1): return new Call2Node(CelFunctions.Contains, target, args[0]);
            case ("matches", 1): return Matches(target, args[0], name);
            case ("getFullYear" or "getMonth" or "getDate" or "getDayOfMonth" or "getDayOfWeek" or "getDayOfYear"
                or "getHours" or "getMinutes" or "getSeconds" or "getMilliseconds", 0):
            {
                var accessor = name.Text!;
                return new Call1Node(t => CelTime.Accessor(accessor, t, null), target);
            }
            case ("getFullYear" or "getMonth" or "getDate" or "getDayOfMonth" or "getDayOfWeek" or "getDayOfYear"
                or "getHours" or "getMinutes" or "getSeconds" or "getMilliseconds", 1):
            {
                var accessor = name.Text!;
                return new Call2Node((t, z) => CelTime.Accessor(accessor, t, z), target, args[0]);
            }
        }
        throw new CelSyntaxException($"found no matching overload for '{name.Text}' with {args.Count} argument(s)", name.Position);
    }

    private static CelNode Matches(CelNode target, CelNode pattern, CelToken at)
    {
        if (pattern is LiteralNode { Value: string p })
        {
            try
            {
                return new MatchesNode(target, CelFunctions.CompileRegex(p));
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                throw new CelSyntaxException($"invalid regular expression '{p}': {ex.Message}", at.Position);
            }
        }
        return new Call2Node(CelFunctions.Matches, target, pattern);
    }

    /// <summary>x.all(v, p), x.exists(v, p), x.exists_one(v, p), x.map(v, t), x.map(v, p, t), x.filter(v, p).</summary>
    private CelNode Comprehension(ComprehensionKind kind, CelNode range, CelToken name)
    {
        var variable = Expect(CelTokenKind.Ident, $"an iteration variable for {name.Text}()");
        Expect(CelTokenKind.Comma, "','");
        var slot = _scopes.Count;
        _scopes.Add(variable.Text!);
        _slots = Math.Max(_slots, _scopes.Count);
        var first = Expr();
        CelNode? second = null;
        if (kind == ComprehensionKind.Map && Peek.Kind == CelTokenKind.Comma)
        {
            Next();
            second = Expr();
        }
        Expect(CelTokenKind.RParen, "')'");
        _scopes.RemoveAt(_scopes.Count - 1);
        // map(v, p, t): the filter is p and the transform t.
        return second is null
            ? new ComprehensionNode(kind, range, slot, first, null)
            : new ComprehensionNode(kind, range, slot, second, first);
    }
}
