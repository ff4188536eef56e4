using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;

namespace Sluice.Dvr;

/// <summary><c>dvr PATH DEPTH [SIZE];</c> in <c>stream</c>, <c>ondemand</c> and <c>live</c> blocks.</summary>
internal sealed class DvrFeatureFactory(DvrRuntime runtime) : IStreamFeatureFactory
{
    public string Name => "dvr";

    public IReadOnlyList<DirectiveSpec> Directives { get; } = [DvrOptions.Spec];

    public void Validate(StreamFeatureContext context) => DvrOptions.Bind(context)?.CheckWritable(context);

    public IStreamFeature Create(StreamFeatureContext context)
    {
        var options = DvrOptions.Bind(context) ?? throw new InvalidOperationException($"{context.Location}: dvr was not validated");
        return new DvrFeature(options, context.StreamName, context.Block, runtime, runtime.Loggers.CreateLogger("Sluice.Dvr"));
    }
}
