using System.IO;
using System.Text;
using System.Threading.Channels;

namespace Pipeline.Streams.Samples.Tests;

// A TextWriter whose complete lines a test can await, so it waits for printed output, not for time.
internal sealed class LineChannelWriter : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    public override Encoding Encoding => Encoding.UTF8;

    public ChannelReader<string> Lines => _lines.Reader;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            _lines.Writer.TryWrite(_line.ToString());
            _line.Clear();
        }
        else if (value != '\r')
        {
            _line.Append(value);
        }
    }
}
