using System.Text;

namespace Cuttle.Watch.Tests.Support;

/// <summary>A thread-safe in-memory writer for the watcher's output.</summary>
internal sealed class SyncWriter : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    public int Count(string line)
    {
        var count = 0;
        foreach (var l in ToString().Split('\n'))
        {
            if (l.TrimEnd('\r') == line)
            {
                count++;
            }
        }

        return count;
    }
}
