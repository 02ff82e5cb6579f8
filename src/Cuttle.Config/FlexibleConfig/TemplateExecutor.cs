using System.Text;

namespace Cuttle.Config.FlexibleConfig;

/// <summary>Walks a parsed template set (text/template semantics, default missingkey: a missing key is "no value").</summary>
internal sealed class TemplateExecutor
{
    private const int MaxDepth = 1000; // Go's maxExecDepth (100000) guards runaway recursion; a lower cap keeps our stack safe.

    private sealed class LoopSignal(bool isBreak) : Exception
    {
        public bool IsBreak { get; } = isBreak;
    }

    private readonly IReadOnlyDictionary<string, TemplateDefinition> _templates;
    private readonly TemplateFunctions _functions;
    private readonly StringBuilder _out = new();
    private readonly List<(string Name, object? Value)> _vars = [];
    private TemplateSource _source = null!;
    private int _depth;

    public TemplateExecutor(IReadOnlyDictionary<string, TemplateDefinition> templates, TemplateFunctions functions)
    {
        _templates = templates;
        _functions = functions;
    }

    public string Execute(string name, object? data)
    {
        if (!_templates.TryGetValue(name, out var def))
            throw new TemplateException(name, 1, 1, $"no template named \"{name}\"");
        _source = def.Source;
        _vars.Add(("$", data));
        WalkList(def.Body, data);
        return _out.ToString();
    }

    private void WalkList(IReadOnlyList<TemplateNode> list, object? dot)
    {
        foreach (var node in list) Walk(node, dot);
    }

    private void Walk(TemplateNode node, object? dot)
    {
        switch (node)
        {
            case TextNode t:
                _out.Append(t.Text);
                break;
            case ActionNode a:
            {
                var v = EvalPipeline(a.Pipe, dot);
                // Declarations and assignments print nothing.
                if (a.Pipe.Decl.Count == 0) GoValues.Print(_out, v, top: true);
                break;
            }
            case BranchNode b:
                WalkBranch(b, dot);
                break;
            case TemplateCallNode c:
                CallTemplate(c, dot);
                break;
            case LoopControlNode l:
                throw new LoopSignal(l.IsBreak);
        }
    }

    private void WalkBranch(BranchNode b, object? dot)
    {
        var mark = _vars.Count;
        try
        {
            if (b.Kind == BranchKind.Range)
            {
                WalkRange(b, dot);
                return;
            }
            var v = EvalPipeline(b.Pipe, dot);
            if (GoValues.IsTrue(v))
                WalkList(b.Body, b.Kind == BranchKind.With ? v : dot);
            else if (b.Else is not null)
                WalkList(b.Else, dot);
        }
        finally
        {
            _vars.RemoveRange(mark, _vars.Count - mark);
        }
    }

    private void WalkRange(BranchNode b, object? dot)
    {
        // range evaluates its pipeline without declaring; the declared variables get key/index and element.
        var pipe = b.Pipe with { Decl = [] };
        var v = EvalPipeline(pipe, dot);
        var decl = b.Pipe.Decl;
        var mark = _vars.Count;
        var ran = false;
        void One(object? key, object? elem)
        {
            ran = true;
            if (decl.Count == 1) _vars.Add((decl[0], elem));
            else if (decl.Count == 2) { _vars.Add((decl[0], key)); _vars.Add((decl[1], elem)); }
            try
            {
                WalkList(b.Body, elem);
            }
            catch (LoopSignal s) when (!s.IsBreak)
            {
                // {{continue}}: on to the next element.
            }
            finally
            {
                _vars.RemoveRange(mark, _vars.Count - mark);
            }
        }
        try
        {
            switch (v)
            {
                case null: break; // Go: ranging over a nil value runs the else branch, not an error.
                case List<object?> list:
                    for (var i = 0; i < list.Count; i++) One((long)i, list[i]);
                    break;
                case SortedDictionary<string, object?> map:
                    foreach (var (k, item) in map) One(k, item);
                    break;
                case long n:
                    for (long i = 0; i < n; i++) One(i, i);
                    break;
                default:
                    throw _source.Error(b.Pos, $"range can't iterate over {GoValues.Print(v, false)}");
            }
        }
        catch (LoopSignal s)
        {
            if (!s.IsBreak) throw;
        }
        if (!ran && b.Else is not null) WalkList(b.Else, dot);
    }

    private void CallTemplate(TemplateCallNode c, object? dot)
    {
        if (!_templates.TryGetValue(c.Name, out var def))
            throw _source.Error(c.Pos, $"template: no template \"{c.Name}\" is defined (templates come from the config file, its {{{{define}}}}s and *.tmpl files in FC_TEMPLATES)");
        var arg = c.Pipe is null ? null : EvalPipeline(c.Pipe, dot);
        if (++_depth > MaxDepth) throw _source.Error(c.Pos, "exceeded maximum template depth (recursive {{template}}?)");
        var saved = _vars.ToArray();
        var savedSource = _source;
        _vars.Clear();
        _vars.Add(("$", arg));
        _source = def.Source;
        try
        {
            WalkList(def.Body, arg);
        }
        finally
        {
            _source = savedSource;
            _vars.Clear();
            _vars.AddRange(saved);
            _depth--;
        }
    }

    private object? EvalPipeline(PipelineNode pipe, object? dot)
    {
        object? value = null;
        var hasValue = false;
        foreach (var cmd in pipe.Commands)
        {
            value = EvalCommand(cmd, dot, hasValue, value);
            hasValue = true;
        }
        if (pipe.Decl.Count > 0)
        {
            if (pipe.IsAssign) SetVar(pipe.Decl[0], value, pipe.Pos);
            else _vars.Add((pipe.Decl[0], value));
        }
        return value;
    }

    private void SetVar(string name, object? value, int pos)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name) { _vars[i] = (name, value); return; }
        }
        throw _source.Error(pos, $"undefined variable: {name}");
    }

    private object? EvalCommand(CommandNode cmd, object? dot, bool hasFinal, object? final)
    {
        var first = cmd.Args[0];
        if (first is IdentifierNode id)
        {
            var count = cmd.Args.Count - 1 + (hasFinal ? 1 : 0);
            var args = new object?[count];
            for (var i = 1; i < cmd.Args.Count; i++) args[i - 1] = EvalArg(cmd.Args[i], dot);
            if (hasFinal) args[count - 1] = final;
            try
            {
                return _functions.Call(id.Name, args);
            }
            catch (TemplateFunctionException ex)
            {
                throw _source.Error(id.Pos, $"error calling {id.Name}: {ex.Message}");
            }
        }
        if (cmd.Args.Count > 1 || hasFinal)
            throw _source.Error(first.Pos, $"can't give argument to non-function {Describe(first)}");
        return EvalArg(first, dot);
    }

    private object? EvalArg(OperandNode node, object? dot)
    {
        switch (node)
        {
            case LiteralNode l: return l.Value;
            case FieldNode f: return Chain(dot, f.Chain, f.Pos, ".");
            case VariableNode v: return Chain(LookupVar(v.Name, v.Pos), v.Chain, v.Pos, v.Name);
            case SubPipelineNode p:
                return Chain(EvalPipeline(p.Pipe, dot), p.Chain, p.Pos, "(...)");
            case IdentifierNode id:
                try
                {
                    return _functions.Call(id.Name, []);
                }
                catch (TemplateFunctionException ex)
                {
                    throw _source.Error(id.Pos, $"error calling {id.Name}: {ex.Message}");
                }
            default: throw _source.Error(node.Pos, "unexpected operand");
        }
    }

    private object? LookupVar(string name, int pos)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
            if (_vars[i].Name == name) return _vars[i].Value;
        throw _source.Error(pos, $"undefined variable \"{name}\"");
    }

    private object? Chain(object? value, IReadOnlyList<string> chain, int pos, string start)
    {
        var path = start;
        foreach (var field in chain)
        {
            switch (value)
            {
                case SortedDictionary<string, object?> map:
                    value = map.TryGetValue(field, out var next) ? next : null;
                    break;
                case null:
                    throw _source.Error(pos, $"nil pointer evaluating {path}.{field} (a key before .{field} is missing in the settings)");
                default:
                    throw _source.Error(pos, $"can't evaluate field {field} in type {GoValues.TypeName(value)}");
            }
            path = path.EndsWith('.') ? path + field : path + "." + field;
        }
        return value;
    }

    private static string Describe(OperandNode n) => n switch
    {
        FieldNode f => "." + string.Join('.', f.Chain),
        VariableNode v => v.Name + (v.Chain.Count > 0 ? "." + string.Join('.', v.Chain) : ""),
        LiteralNode l => GoValues.Print(l.Value, false),
        _ => "value",
    };
}
