namespace Sluice.Host.Cli;

internal static class SluiceCli
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(0);
}
