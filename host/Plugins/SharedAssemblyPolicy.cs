using System.Reflection;
using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

/// <summary>The contract's rule (<see cref="SharedAssemblies"/>): which assemblies a plugin takes from the host.</summary>
internal static class SharedAssemblyPolicy
{
    public static bool IsShared(AssemblyName name) => SharedAssemblies.IsShared(name);
}
