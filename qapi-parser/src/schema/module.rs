//! Modules: one per schema file, named by its path relative to the main schema's directory, as QEMU names them
//! (`os.path.relpath`), plus `./builtin`.

use std::path::{Component, Path};

use super::entity::{EntityId, Module, ModuleId};
use super::hash::FastMap;

/// The modules in first-seen order, with lookup by name.
#[derive(Debug, Default)]
pub(crate) struct ModuleTable {
    pub modules: Vec<Module>,
    by_name: FastMap<String, ModuleId>,
    /// The main schema's directory, absolute and normalized.
    schema_dir: Vec<String>,
    cwd: Vec<String>,
}

impl ModuleTable {
    /// `main_file` is the main schema's name as given (relative to the working directory, or absolute).
    pub fn new(main_file: &str) -> ModuleTable {
        let cwd = std::env::current_dir()
            .map(|d| components(&d, &[]))
            .unwrap_or_default();
        let dir = Path::new(main_file).parent().unwrap_or(Path::new(""));
        let schema_dir = components(dir, &cwd);
        let mut table = ModuleTable {
            schema_dir,
            cwd,
            ..ModuleTable::default()
        };
        table.make(Module::BUILTIN.to_owned());
        table
    }

    /// The module for a file name (as the source map names files), created if new.
    pub fn make_for_file(&mut self, file_name: &str) -> ModuleId {
        let name = self.name_of(file_name);
        self.make(name)
    }

    pub fn builtin(&self) -> ModuleId {
        ModuleId(0)
    }

    pub fn add_entity(&mut self, module: ModuleId, entity: EntityId) {
        self.modules[module.0 as usize].entities.push(entity);
    }

    pub fn name(&self, module: ModuleId) -> &str {
        &self.modules[module.0 as usize].name
    }

    fn make(&mut self, name: String) -> ModuleId {
        if let Some(&id) = self.by_name.get(&name) {
            return id;
        }
        let id = ModuleId(self.modules.len() as u32);
        self.by_name.insert(name.clone(), id);
        self.modules.push(Module {
            name,
            entities: Vec::new(),
        });
        id
    }

    /// Python's `os.path.relpath(file_name, schema_dir)`.
    fn name_of(&self, file_name: &str) -> String {
        let target = components(Path::new(file_name), &self.cwd);
        let common = target
            .iter()
            .zip(&self.schema_dir)
            .take_while(|(a, b)| a == b)
            .count();
        let mut parts: Vec<&str> = vec![".."; self.schema_dir.len() - common];
        parts.extend(target[common..].iter().map(String::as_str));
        if parts.is_empty() {
            ".".to_owned()
        } else {
            parts.join("/")
        }
    }
}

/// The normalized components of `path` made absolute against `cwd` (Python's `abspath`: lexical, no symlinks).
fn components(path: &Path, cwd: &[String]) -> Vec<String> {
    let mut out: Vec<String> = if path.is_absolute() {
        Vec::new()
    } else {
        cwd.to_vec()
    };
    for c in path.components() {
        match c {
            Component::RootDir | Component::Prefix(_) => out.clear(),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(s) => out.push(s.to_string_lossy().into_owned()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(main: &str) -> ModuleTable {
        let mut t = ModuleTable::new(main);
        t.make_for_file(main);
        t
    }

    #[test]
    fn names_are_relative_to_the_main_schema_directory() {
        let mut t = table("qapi/qapi-schema.json");
        assert_eq!(t.name(ModuleId(0)), "./builtin");
        assert_eq!(t.name(ModuleId(1)), "qapi-schema.json");
        let m = t.make_for_file("qapi/sub/x.json");
        assert_eq!(t.name(m), "sub/x.json");
        let m = t.make_for_file("qapi/../other/y.json");
        assert_eq!(t.name(m), "../other/y.json");
        assert_eq!(t.make_for_file("qapi/./sub/x.json"), ModuleId(2));
    }

    #[test]
    fn a_main_file_in_the_working_directory() {
        let mut t = table("doc-good.json");
        assert_eq!(t.name(ModuleId(1)), "doc-good.json");
        let m = t.make_for_file("include/sub-module.json");
        assert_eq!(t.name(m), "include/sub-module.json");
    }
}
