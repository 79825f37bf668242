//! The one set of options shared by the CLI, the build.rs [`Config`](crate::Config) and `include_qapi!`.

use std::borrow::Cow;

use crate::ir::Api;
use crate::older_qemu::Release;

/// What `'if'` conditions become.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Conditions {
    /// Every item is generated; its condition is shown in its docs and metadata.
    #[default]
    Docs,
    /// `#[cfg(CONFIG_X)]`: set with `--cfg CONFIG_X` (the builder declares every name for `check-cfg`).
    Cfg,
    /// `#[cfg(feature = "CONFIG_X")]`: a cargo feature per condition name.
    Feature,
}

/// What to generate: docs, conditions, cargo features, doc links, modules. Built with [`Options::new`] and its setters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Options {
    /// Rustdoc from the schema's doc comments. Off, items still get their metadata and link (see `doc_url`).
    pub docs: bool,
    /// What `'if'` conditions become (default: documented only).
    pub conditions: Conditions,
    /// Gate each schema module behind a cargo feature of the same name (`block-core`): one `#[cfg(feature = ..)]`
    /// per item. For `--crate`, whose manifest makes each module's feature enable those of the modules it uses;
    /// other users declare the features, with those dependencies, themselves.
    pub module_features: bool,
    /// Link each definition's docs to this page (for bindings written without QEMU's doc prose), with `{name}`
    /// replaced by the definition's schema name, `{kind}` by `command`, `event`, `enum`, `alternate` or `object`,
    /// and `{module}` by its schema file's stem: the parts of the anchors in QEMU's manuals. [`Options::doc_url`]
    /// also takes QEMU's manuals by name (`docs::manual_url`).
    pub doc_url: Option<String>,
    /// Only these schema modules (by Rust module name, `block_core`) and what they use; empty: all.
    pub only_modules: Vec<String>,
    /// The oldest QEMU release the bindings must decode: a required member of a type QEMU sends is optional when
    /// the schema's docs say a later release added it (`(since 10.1)`), so that replies and events of that older
    /// QEMU decode. `None`: members are as the schema says.
    pub oldest_qemu: Option<Release>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            docs: true,
            conditions: Conditions::Docs,
            module_features: false,
            doc_url: None,
            only_modules: Vec::new(),
            oldest_qemu: None,
        }
    }
}

impl Options {
    /// The defaults: docs on, conditions documented, no cargo features, every module.
    pub fn new() -> Options {
        Options::default()
    }

    /// Rustdoc from the schema's doc comments (see [`Options::docs`](Options#structfield.docs)).
    pub fn docs(mut self, docs: bool) -> Options {
        self.docs = docs;
        self
    }

    /// What `'if'` conditions become.
    pub fn conditions(mut self, conditions: Conditions) -> Options {
        self.conditions = conditions;
        self
    }

    /// Gate each schema module behind a cargo feature (see [`Options::module_features`](Options#structfield.module_features)).
    pub fn module_features(mut self, on: bool) -> Options {
        self.module_features = on;
        self
    }

    /// Links to `url` (see [`Options::doc_url`](Options#structfield.doc_url)), or to QEMU's manual named as
    /// `docs::manual_url` reads it: `qmp`, `qsd`, `qga`, for a release `qmp@10.2.0`.
    pub fn doc_url(mut self, url: impl Into<String>) -> Options {
        let url = url.into();
        self.doc_url = Some(crate::docs::manual_url(&url).unwrap_or(url));
        self
    }

    /// Only these schema modules (`block-core` or `block_core`) and the modules they use; an unknown name is an [`Error`](crate::Error).
    pub fn only_modules(mut self, modules: impl IntoIterator<Item = impl Into<String>>) -> Options {
        self.only_modules = modules.into_iter().map(Into::into).collect();
        self
    }

    /// See [`Options::oldest_qemu`](Options#structfield.oldest_qemu).
    pub fn oldest_qemu(mut self, release: Release) -> Options {
        self.oldest_qemu = Some(release);
        self
    }

    /// The API that generation reads under these options.
    pub(crate) fn prepare<'a>(&self, api: &'a Api) -> Cow<'a, Api> {
        match self.oldest_qemu {
            Some(release) => Cow::Owned(crate::older_qemu::relax(api, release)),
            None => Cow::Borrowed(api),
        }
    }
}

/// [`Options::only_modules`] checked against the schema (`-` or `_` alike): an unknown name is an error.
pub(crate) fn check_modules(ctx: &crate::context::Context) -> Result<(), crate::Error> {
    let known: Vec<String> = ctx
        .names
        .modules
        .iter()
        .zip(&ctx.api.modules)
        .filter(|(_, m)| m.path != "./builtin")
        .map(|(name, _)| crate::names::feature_name(name))
        .collect();
    for name in &ctx.options.only_modules {
        if !known.contains(&crate::names::feature_name(name)) {
            return Err(crate::Error::UnknownModule {
                name: name.clone(),
                known,
            });
        }
    }
    Ok(())
}
