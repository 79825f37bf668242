//! The `pragma` directive.

use crate::ast::{Object, Pragmas, Value};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::{Mode, Options};

/// `{ 'pragma': { name: value, ... } }`. QEMU keeps one pragma state for the whole schema; a pragma given again
/// replaces the earlier value. All errors point at the directive.
pub(super) fn apply(
    object: &Object,
    span: Span,
    options: &Options,
    pragmas: &mut Pragmas,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    if object.members.len() != 1 {
        return Err(Diagnostic::semantic(span, "invalid 'pragma' directive"));
    }
    let Some(settings) = object.get("pragma").and_then(Value::as_object) else {
        return Err(Diagnostic::semantic(
            span,
            "value of 'pragma' must be an object",
        ));
    };
    let tolerant = options.mode == Mode::Tolerant;
    for (key, value) in &settings.members {
        let name = &*key.name;
        let list = || list_of_strings(name, value, span);
        match name {
            "doc-required" => {
                pragmas.doc_required = value.as_bool().ok_or_else(|| {
                    Diagnostic::semantic(span, "pragma 'doc-required' must be boolean")
                })?;
            }
            "command-name-exceptions" => pragmas.command_name_exceptions = list()?,
            "command-returns-exceptions" => pragmas.command_returns_exceptions = list()?,
            "documentation-exceptions" => pragmas.documentation_exceptions = list()?,
            "member-name-exceptions" => pragmas.member_name_exceptions = list()?,
            // The names QEMU used before 6.0.
            "returns-whitelist" if tolerant => pragmas.command_returns_exceptions = list()?,
            "name-case-whitelist" if tolerant => {
                let names = list()?;
                pragmas.command_name_exceptions = names.clone();
                pragmas.member_name_exceptions = names;
            }
            _ => {
                let diag = Diagnostic::semantic(span, format!("unknown pragma '{name}'"));
                if !tolerant {
                    return Err(diag);
                }
                warnings.push(diag.as_warning());
            }
        }
    }
    Ok(())
}

fn list_of_strings(name: &str, value: &Value, span: Span) -> Result<Vec<String>, Diagnostic> {
    let strings = value.as_array().and_then(|items| {
        items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect()
    });
    strings.ok_or_else(|| {
        Diagnostic::semantic(span, format!("pragma {name} must be a list of strings"))
    })
}
