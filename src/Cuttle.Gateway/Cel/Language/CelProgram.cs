namespace Cuttle.Gateway.Cel.Language;

/// <summary>
/// One compiled check_expr. Parsing happens once, when a generation is built; <see cref="Evaluate"/> walks the tree.
/// Like krakend-cel's evalChecks, only a result that is exactly <c>true</c> passes: false, an error, or a non-bool
/// all reject.
/// </summary>
internal sealed class CelProgram
{
    private static readonly (string Name, CelVariable Variable)[] Variables =
    [
        ("req_method", CelVariable.ReqMethod),
        ("req_path", CelVariable.ReqPath),
        ("req_params", CelVariable.ReqParams),
        ("req_headers", CelVariable.ReqHeaders),
        ("req_querystring", CelVariable.ReqQuerystring),
        ("resp_completed", CelVariable.RespCompleted),
        ("resp_metadata_status", CelVariable.RespMetadataStatus),
        ("resp_metadata_headers", CelVariable.RespMetadataHeaders),
        ("resp_data", CelVariable.RespData),
        ("now", CelVariable.Now),
        ("JWT", CelVariable.Jwt),
    ];

    private readonly CelNode _root;
    private readonly int _locals;

    private CelProgram(string text, CelNode root, int locals)
    {
        Text = text;
        _root = root;
        _locals = locals;
    }

    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="CelSyntaxException"/> when it is not valid CEL.</summary>
    public static CelProgram Compile(string text)
    {
        var (root, locals) = CelParser.Parse(text);
        return new CelProgram(text, root, locals);
    }

    /// <summary>The raw result: a value, or a <see cref="CelError"/>.</summary>
    public object? Evaluate(CelActivation activation) => _root.Eval(new CelFrame(activation, _locals));

    public bool Passes(CelActivation activation) => Evaluate(activation) is true;

    public static bool TryVariable(string name, out CelVariable variable)
    {
        foreach (var (n, v) in Variables)
        {
            if (n == name)
            {
                variable = v;
                return true;
            }
        }
        variable = default;
        return false;
    }

    public static string NameOf(CelVariable variable)
    {
        foreach (var (n, v) in Variables) if (v == variable) return n;
        return variable.ToString();
    }
}
