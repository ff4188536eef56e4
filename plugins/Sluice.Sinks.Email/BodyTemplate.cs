using HandlebarsDotNet;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Email;

/// <summary>A compiled body template; a template file is read and compiled again when it changed.</summary>
internal sealed class BodyTemplate
{
    private readonly MailTemplates _templates;
    private readonly bool _html;
    private readonly ScriptSource? _file;
    private HandlebarsTemplate<object, object> _compiled;
    private int _version;

    public BodyTemplate(MailTemplates templates, TemplateSource? source, string fallback, bool html)
    {
        _templates = templates;
        _html = html;
        _compiled = templates.Compile(source?.Inline ?? fallback, html);
        if (source?.Path is { } path) _file = new ScriptSource(path);
    }

    /// <summary>Renders the model; throws HandlebarsException or IOException.</summary>
    public string Render(object model)
    {
        if (_file is not null)
        {
            _file.Refresh();
            if (_file.Version != _version)
            {
                _compiled = _templates.Compile(_file.Text, _html);
                _version = _file.Version;
            }
        }
        return _compiled(model);
    }
}
