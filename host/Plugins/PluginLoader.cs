using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

/// <summary>
/// Loads one plugin folder: manifest, version check, shadow copy, its own collectible context
/// (<see cref="PluginContext"/>: McMaster's, with the shared-assembly policy), the
/// <see cref="ISluicePlugin"/> and its <c>Configure</c>. Any failure unloads what was loaded and comes
/// back as a reason; it never escapes.
/// </summary>
internal sealed class PluginLoader(ShadowCopier shadow, SharedAssemblyPolicy policy, IServiceProvider hostServices, ILoggerFactory loggerFactory)
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public PluginLoadResult Load(string folder)
    {
        var stamp = FolderStamp.Of(folder);
        if (!PluginManifestReader.TryRead(folder, out var manifest, out var error))
            return PluginLoadResult.Failed(folder, stamp, manifest, error!);

        string shadowDir;
        try
        {
            shadowDir = shadow.Copy(folder, manifest!.Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return PluginLoadResult.Failed(folder, stamp, manifest, $"cannot copy {folder} to load it: {e.Message}");
        }

        var entryPath = Path.Combine(shadowDir, manifest.EntryAssembly);
        PluginContext context;
        try
        {
            context = PluginContext.Create(entryPath, policy);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            ShadowCopier.Delete(shadowDir);
            return PluginLoadResult.Failed(folder, stamp, manifest, $"cannot prepare a load context for {manifest.EntryAssembly}: {e.Message}");
        }
        try
        {
            var assembly = context.LoadEntryAssembly();
            var type = FindPluginType(assembly);
            var instance = Construct(type);
            var builder = new PluginBuilder(manifest, hostServices, loggerFactory);
            try
            {
                instance.Configure(builder);
                builder.Seal();
            }
            catch (Exception e)
            {
                throw new PluginLoadException($"{type.FullName}.Configure failed: {Describe(e)}");
            }
            return PluginLoadResult.Loaded(new LoadedPlugin(folder, manifest, stamp, shadowDir, context, instance, builder.Contributions));
        }
        catch (Exception e)
        {
            context.Unload();
            ShadowCopier.Delete(shadowDir);   // nothing of it runs: the files may go even before the context is collected
            return PluginLoadResult.Failed(folder, stamp, manifest, e is PluginLoadException ? e.Message : Describe(e, manifest.EntryAssembly));
        }
    }

    private static Type FindPluginType(Assembly assembly)
    {
        var types = assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISluicePlugin).IsAssignableFrom(t))
            .ToList();
        if (types.Count == 1) return types[0];
        if (types.Count > 1)
            throw new PluginLoadException($"{assembly.GetName().Name} has several ISluicePlugin classes ({string.Join(", ", types.Select(t => t.FullName))}); keep one");

        var foreign = assembly.GetExportedTypes().FirstOrDefault(t =>
            t.GetInterfaces().Any(i => i.FullName == typeof(ISluicePlugin).FullName));
        throw new PluginLoadException(foreign is null
            ? $"{assembly.GetName().Name} has no public class implementing ISluicePlugin"
            : $"{foreign.FullName} implements an ISluicePlugin from its own copy of Sluice.Abstractions; reference the contracts with Private=false ExcludeAssets=runtime");
    }

    private static ISluicePlugin Construct(Type type)
    {
        if (type.GetConstructor(Type.EmptyTypes) is null)
            throw new PluginLoadException($"{type.FullName} has no public parameterless constructor");
        try
        {
            return (ISluicePlugin)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new PluginLoadException($"the constructor of {type.FullName} failed: {Describe(e.InnerException)}");
        }
    }

    /// <summary>A sentence for the listing; the exception itself is not kept (it would pin the context).</summary>
    private static string Describe(Exception e, string? entryAssembly = null) => e switch
    {
        BadImageFormatException b => $"{b.FileName ?? entryAssembly} is not a valid .NET assembly: {b.Message}",
        FileNotFoundException f => $"missing dependency {f.FileName}: {f.Message}",
        FileLoadException f => $"cannot load dependency {f.FileName}: {f.Message}",
        ReflectionTypeLoadException r => $"types failed to load: {string.Join("; ", r.LoaderExceptions.Select(x => x?.Message).Distinct())}",
        TypeLoadException t => $"type failed to load: {t.Message}",
        TargetInvocationException { InnerException: { } inner } => Describe(inner, entryAssembly),
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private sealed class PluginLoadException(string message) : Exception(message);
}
