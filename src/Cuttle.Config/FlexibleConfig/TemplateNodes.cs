namespace Cuttle.Config.FlexibleConfig;

// The parse tree of a Go text/template, built once by TemplateParser and walked by TemplateExecutor.
// Pos is an offset into the template text; TemplateSource turns it into line:column for errors.

internal abstract record TemplateNode(int Pos);

internal sealed record TextNode(int Pos, string Text) : TemplateNode(Pos);

internal sealed record ActionNode(int Pos, PipelineNode Pipe) : TemplateNode(Pos);

/// <summary>if / with / range share a shape: a pipeline, a body and an optional else branch.</summary>
internal sealed record BranchNode(int Pos, BranchKind Kind, PipelineNode Pipe, IReadOnlyList<TemplateNode> Body, IReadOnlyList<TemplateNode>? Else) : TemplateNode(Pos);

internal enum BranchKind { If, With, Range }

internal sealed record TemplateCallNode(int Pos, string Name, PipelineNode? Pipe) : TemplateNode(Pos);

internal sealed record LoopControlNode(int Pos, bool IsBreak) : TemplateNode(Pos);

internal sealed record PipelineNode(int Pos, IReadOnlyList<string> Decl, bool IsAssign, IReadOnlyList<CommandNode> Commands);

internal sealed record CommandNode(int Pos, IReadOnlyList<OperandNode> Args);

internal abstract record OperandNode(int Pos);

/// <summary><c>.a.b</c>; an empty chain is dot itself.</summary>
internal sealed record FieldNode(int Pos, IReadOnlyList<string> Chain) : OperandNode(Pos);

/// <summary><c>$x.a.b</c>; Name includes the dollar sign (<c>$</c> alone is the root data).</summary>
internal sealed record VariableNode(int Pos, string Name, IReadOnlyList<string> Chain) : OperandNode(Pos);

internal sealed record IdentifierNode(int Pos, string Name) : OperandNode(Pos);

internal sealed record LiteralNode(int Pos, object? Value) : OperandNode(Pos);

/// <summary>A parenthesised pipeline, optionally followed by a field chain: <c>(index . 0).name</c>.</summary>
internal sealed record SubPipelineNode(int Pos, PipelineNode Pipe, IReadOnlyList<string> Chain) : OperandNode(Pos);
