namespace Sluice.Host.Plugins;

/// <summary>
/// Contributions keyed by the contract they were registered as, in registration order. Filled once
/// (the core's before start, a plugin's during its Configure), then only read, from any thread.
/// </summary>
internal sealed class ContributionSet
{
    public static readonly ContributionSet Empty = new();

    private readonly Dictionary<Type, List<object>> _byContract = [];

    public void Add(Type contract, object contribution)
    {
        if (!_byContract.TryGetValue(contract, out var list)) _byContract[contract] = list = [];
        list.Add(contribution);
    }

    public void Add<T>(T contribution) where T : class => Add(typeof(T), contribution);

    public void AppendTo<T>(List<T> destination) where T : class
    {
        if (!_byContract.TryGetValue(typeof(T), out var list)) return;
        foreach (var item in list) destination.Add((T)item);
    }

    public IReadOnlyList<T> Of<T>() where T : class
    {
        var result = new List<T>();
        AppendTo(result);
        return result;
    }

    /// <summary>Number of contributions, every contract together.</summary>
    public int Count => _byContract.Values.Sum(l => l.Count);
}
