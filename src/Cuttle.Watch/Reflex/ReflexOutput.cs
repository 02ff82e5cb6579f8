using System.Globalization;

namespace Cuttle.Watch.Reflex;

/// <summary>
/// Serialises all output lines, as reflex's single printer goroutine does: "[NN] text" for watcher NN, "[info] text"
/// for the watcher itself. Fancy uses reflex's colours (32 + id % 5; info in red) but only when writing to a terminal.
/// </summary>
internal sealed class ReflexOutput
{
    public const int Info = -1;

    private readonly TextWriter _writer;
    private readonly Decoration _decoration;
    private readonly Lock _gate = new();

    public ReflexOutput(TextWriter writer, Decoration decoration, bool isTerminal)
    {
        _writer = writer;
        _decoration = decoration == Decoration.Fancy && !isTerminal ? Decoration.Plain : decoration;
    }

    public void WriteLine(int id, string text)
    {
        var prefix = id == Info ? "[info]" : "[" + id.ToString("00", CultureInfo.InvariantCulture) + "]";
        string line = _decoration switch
        {
            Decoration.None => text,
            Decoration.Fancy => $"\u001b[01;{(id == Info ? 31 : 32 + (id % 5))}m{prefix} {text}\u001b[m",
            _ => prefix + " " + text,
        };
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    /// <summary>A bare line with no prefix (reflex prints "Interrupted..." with fmt.Println).</summary>
    public void WriteBare(string text)
    {
        lock (_gate)
        {
            _writer.WriteLine(text);
            _writer.Flush();
        }
    }
}
