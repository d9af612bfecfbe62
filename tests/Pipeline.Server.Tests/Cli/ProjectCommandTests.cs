using System.IO;
using System.Threading.Tasks;
using Pipeline.Server.Cli;
using Xunit;

namespace Pipeline.Server.Tests.Cli;

public sealed class ProjectCommandTests
{
    [Theory]
    [InlineData(new[] { "project" }, "name the projection")]
    [InlineData(new[] { "project", "orders" }, "unknown projection 'orders'")]
    [InlineData(new[] { "project", "ledger" }, "exactly one of --sqlite")]
    [InlineData(new[] { "project", "ledger", "--sqlite", "a.db", "--postgres", "Host=x" }, "exactly one of --sqlite")]
    [InlineData(new[] { "project", "ledger", "--sqlite" }, "--sqlite needs a value")]
    [InlineData(new[] { "project", "ledger", "--sqlite", "a.db", "--batch", "0" }, "--batch: '0'")]
    [InlineData(new[] { "project", "ledger", "--sqlite", "a.db", "--name", "bad name" }, "--name: 'bad name'")]
    [InlineData(new[] { "project", "ledger", "--sqlite", "a.db", "--port", "70000" }, "--port: '70000'")]
    [InlineData(new[] { "project", "ledger", "--sqlite", "a.db", "--colour", "red" }, "unknown option '--colour'")]
    public async Task RunAsync_BadArguments_ExitWithUsageAndSayWhy(string[] args, string expected)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int code = await ClientCommands.RunAsync(args, output, error);

        Assert.Equal(OperatorCommands.Usage, code);
        Assert.Contains(expected, error.ToString(), System.StringComparison.Ordinal);
        Assert.Contains("usage: project ledger", error.ToString(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Defaults_AndEveryOption()
    {
        Assert.True(ProjectCommand.TryParse(["project", "ledger", "--postgres", "Host=db", "--name", "p-1", "--until-caught-up", "--batch", "50", "--host", "h", "--port", "7500"], out ProjectCommand.Options? o, out string? problem), problem);
        Assert.Equal(("Host=db", "p-1", true, 50, "h", 7500), (o!.Postgres, o.Name, o.UntilCaughtUp, o.Batch, o.Host, o.Port));
        Assert.True(ProjectCommand.TryParse(["project", "ledger", "--sqlite", "read.db"], out o, out _));
        Assert.Equal(("read.db", "ledger-balances", false, 1000, 7400), (o!.Sqlite, o.Name, o.UntilCaughtUp, o.Batch, o.Port));
    }
}
