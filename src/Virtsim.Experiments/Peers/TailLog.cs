using System.Text;

namespace Virtsim.Experiments.Peers;

/// <summary>A thread-safe writer that keeps only the last lines written to it: a peer's output kept for a report.</summary>
internal sealed class TailLog(int capacity = 200) : TextWriter
{
    private readonly Queue<string> _lines = new();
    private readonly StringBuilder _partial = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lines)
        {
            if (value == '\n') Push();
            else if (value != '\r') _partial.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value == null) return;
        foreach (char c in value) Write(c);
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }

    /// <summary>Adds one whole line.</summary>
    public void Add(string? line)
    {
        if (line != null) WriteLine(line);
    }

    /// <summary>The last <paramref name="count"/> lines (a line still being written included).</summary>
    public IReadOnlyList<string> Last(int count)
    {
        lock (_lines)
        {
            var all = _lines.ToList();
            if (_partial.Length > 0) all.Add(_partial.ToString());
            return all.Skip(Math.Max(0, all.Count - count)).ToList();
        }
    }

    private void Push()
    {
        _lines.Enqueue(_partial.ToString());
        _partial.Clear();
        while (_lines.Count > capacity) _lines.Dequeue();
    }
}
