using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Access;

/// <summary>
/// <c>password SECRET;</c>, <c>on_play URL;</c> and <c>on_publish URL;</c> inside <c>stream</c>,
/// <c>ondemand</c> and <c>live</c> blocks. They are stream features of the host's own: checked and bound
/// with the block, diffed on reload apart from the source (a new password does not restart a stream),
/// and each one registers what it says in <see cref="BlockAccessRules"/> for the authorizer.
/// </summary>
internal sealed class AccessFeatureFactory(BlockAccessRules rules) : IStreamFeatureFactory
{
    public string Name => "access";

    public IReadOnlyList<DirectiveSpec> Directives { get; } =
    [
        new("password", "password SECRET (publishing needs ?password=SECRET)", 1, 1) { Repeatable = false },
        new("on_play", "on_play URL (authorization backend for playing this stream)", 1, 1) { Repeatable = false },
        new("on_publish", "on_publish URL (authorization backend for publishing this stream)", 1, 1) { Repeatable = false },
    ];

    public void Validate(StreamFeatureContext context) => Bind(context);

    public IStreamFeature Create(StreamFeatureContext context) =>
        new AccessFeature(rules, BlockOf(context), context.Directive.Name, Bind(context) ?? throw new InvalidOperationException("not validated"));

    /// <summary>The block's key, as <see cref="Streams.StreamsConfigSection.BlockKey"/> spells it.</summary>
    public static string BlockOf(StreamFeatureContext context) => BlockOf(context.Block, context.StreamName);

    public static string BlockOf(StreamBlockKind kind, string name) =>
        (kind switch { StreamBlockKind.OnDemand => "ondemand", StreamBlockKind.Live => "live", _ => "stream" }) + " " + name;

    /// <summary>The directive as a change to its block's access, or null (reported).</summary>
    private static Func<BlockAccess, BlockAccess>? Bind(StreamFeatureContext context)
    {
        var d = context.Directive;
        var diag = context.Diagnostics;
        switch (d.Name)
        {
            case "password":
                var a = d.Arguments[0];
                if (a.IsKeyValue || a.Value.Length == 0)
                {
                    diag.Error(a.Location, "'password' expects the password publishers pass as ?password=...");
                    return null;
                }
                if (context.Block == StreamBlockKind.OnDemand)
                    diag.Warning(d.Location, "'password' protects publishing, and an 'ondemand' stream is not published: it has no effect here");
                var password = a.Value;
                return b => b with { Password = password };
            case "on_play":
                return BackendUrl.Bind(d, diag) is { } play ? b => b with { OnPlay = play } : null;
            default:
                return BackendUrl.Bind(d, diag) is { } publish ? b => b with { OnPublish = publish } : null;
        }
    }

    private sealed class AccessFeature : IStreamFeature
    {
        private readonly BlockAccessRules _rules;
        private readonly string _block;
        private readonly string _directive;

        public AccessFeature(BlockAccessRules rules, string block, string directive, Func<BlockAccess, BlockAccess> apply)
        {
            _rules = rules;
            _block = block;
            _directive = directive;
            rules.Update(block, apply);
        }

        public IAsyncDisposable Attach(IMediaStream stream) => Nothing.Instance; // rules are per block, not per run

        public bool TryReconfigure(StreamFeatureContext context)
        {
            if (Bind(context) is not { } apply) return false;
            _rules.Update(_block, apply);
            return true;
        }

        public ValueTask DisposeAsync()
        {
            _rules.Remove(_block, b => _directive switch
            {
                "password" => b with { Password = null },
                "on_play" => b with { OnPlay = null },
                _ => b with { OnPublish = null },
            });
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public static readonly Nothing Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
