using System.Collections.Immutable;

namespace Cuttle.Config.FlexibleConfig;

/// <summary>A rendered template: the JSON bytes, a hash over every input file, those files (for watching), and warnings.</summary>
internal sealed record FlexibleConfigResult(byte[] Rendered, string ContentHash, ImmutableArray<string> Files, string? OutPath, ImmutableArray<string> Warnings);
