//! The macro's input: `"path/to/qapi-schema.json"` followed by options, each `name = value` or a bare flag.
//!
//! ```text
//! include_qapi!("qapi/qapi-schema.json", docs = false, conditions = cfg, modules = ["block-core"], strict)
//! ```

use qapi_gen::{Conditions, Options};
use syn::parse::{Parse, ParseStream};
use syn::{bracketed, Ident, LitBool, LitStr, Token};

/// Every option, as the error for an unknown one lists them.
const OPTIONS: &str =
    "docs = bool, conditions = docs|cfg|feature, modules = [\"name\", ...], doc_url = \"URL\", \
     oldest_qemu = \"X.Y\", module_features, strict";

/// The parsed macro input.
pub struct Args {
    /// The schema path as written.
    pub path: LitStr,
    /// Generation options; `only_modules` is filled from `modules`, which generation checks against the schema.
    pub options: Options,
    /// `modules = [...]` as written, for errors that point at the unknown name.
    pub modules: Vec<LitStr>,
    /// QEMU 9.2.4's exact rules instead of the tolerant default.
    pub strict: bool,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Args> {
        if input.is_empty() {
            return Err(input.error(
                "expected the schema path: include_qapi!(\"qapi/qapi-schema.json\", options...)",
            ));
        }
        let path: LitStr = input.parse()?;
        let mut args = Args {
            path,
            options: Options::new(),
            modules: Vec::new(),
            strict: false,
        };
        let mut seen: Vec<String> = Vec::new();
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let name: Ident = input.call(syn::ext::IdentExt::parse_any)?;
            let key = name.to_string();
            if seen.contains(&key) {
                return Err(syn::Error::new(
                    name.span(),
                    format!("option `{key}` given twice"),
                ));
            }
            args.option(&name, input)?;
            seen.push(key);
        }
        Ok(args)
    }
}

impl Args {
    /// Parses the value of option `name` (if it takes one) and records it.
    fn option(&mut self, name: &Ident, input: ParseStream) -> syn::Result<()> {
        match name.to_string().as_str() {
            "docs" => {
                let on = flag_value(input)?;
                self.options = std::mem::take(&mut self.options).docs(on);
            }
            "conditions" => {
                let conditions = conditions_value(input)?;
                self.options = std::mem::take(&mut self.options).conditions(conditions);
            }
            "modules" => self.modules = modules_value(name, input)?,
            "doc_url" => {
                input.parse::<Token![=]>()?;
                let url: LitStr = input.parse()?;
                self.options = std::mem::take(&mut self.options).doc_url(url.value());
            }
            "oldest_qemu" => {
                input.parse::<Token![=]>()?;
                let text: LitStr = input.parse()?;
                let release = text
                    .value()
                    .parse()
                    .map_err(|e: String| syn::Error::new(text.span(), e))?;
                self.options = std::mem::take(&mut self.options).oldest_qemu(release);
            }
            "module_features" => {
                let on = flag_value(input)?;
                self.options = std::mem::take(&mut self.options).module_features(on);
            }
            "strict" => self.strict = flag_value(input)?,
            other => {
                return Err(syn::Error::new(
                    name.span(),
                    format!("unknown option `{other}`; the options are: {OPTIONS}"),
                ))
            }
        }
        Ok(())
    }
}

/// `= docs | cfg | feature`.
fn conditions_value(input: ParseStream) -> syn::Result<Conditions> {
    input.parse::<Token![=]>()?;
    let value: Ident = input.call(syn::ext::IdentExt::parse_any)?;
    match value.to_string().as_str() {
        "docs" => Ok(Conditions::Docs),
        "cfg" => Ok(Conditions::Cfg),
        "feature" => Ok(Conditions::Feature),
        other => Err(syn::Error::new(
            value.span(),
            format!(
                "unknown `conditions = {other}`: expected `docs` (every item, its condition in its docs), \
                 `cfg` (#[cfg(CONFIG_X)]) or `feature` (#[cfg(feature = \"CONFIG_X\")])"
            ),
        )),
    }
}

/// `= ["name", ...]`, not empty.
fn modules_value(name: &Ident, input: ParseStream) -> syn::Result<Vec<LitStr>> {
    input.parse::<Token![=]>()?;
    let content;
    bracketed!(content in input);
    let list = content.parse_terminated(<LitStr as Parse>::parse, Token![,])?;
    if list.is_empty() {
        return Err(syn::Error::new(
            name.span(),
            "`modules = []` selects nothing: name at least one schema module, or leave the option out for all",
        ));
    }
    Ok(list.into_iter().collect())
}

/// A flag's value: `flag` alone means true, `flag = true|false` says which.
fn flag_value(input: ParseStream) -> syn::Result<bool> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        Ok(input.parse::<LitBool>()?.value)
    } else {
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> syn::Result<Args> {
        syn::parse_str(text)
    }

    #[test]
    fn every_option_reads_naturally() {
        let args = parse(
            r#""qapi/qapi-schema.json", docs = false, conditions = cfg,
               modules = ["block-core", "control",], doc_url = "https://x/{name}", module_features, strict,
               oldest_qemu = "9.2","#,
        )
        .unwrap();
        assert_eq!(args.options.oldest_qemu, Some("9.2".parse().unwrap()));
        assert_eq!(args.path.value(), "qapi/qapi-schema.json");
        assert!(!args.options.docs);
        assert_eq!(args.options.conditions, Conditions::Cfg);
        assert_eq!(args.options.doc_url.as_deref(), Some("https://x/{name}"));
        assert!(args.options.module_features);
        assert!(args.strict);
        let modules: Vec<String> = args.modules.iter().map(LitStr::value).collect();
        assert_eq!(modules, ["block-core", "control"]);
    }

    #[test]
    fn defaults_are_the_generators() {
        let args = parse(r#""a.json""#).unwrap();
        assert_eq!(args.options, Options::new());
        assert!(!args.strict && args.modules.is_empty());
        assert!(!parse(r#""a.json", strict = false"#).unwrap().strict);
    }

    #[test]
    fn mistakes_are_named() {
        let err = |text: &str| parse(text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err("").contains("expected the schema path"));
        assert!(err(r#""a.json", doc = false"#).starts_with("unknown option `doc`"));
        assert_eq!(
            err(r#""a.json", docs, docs = false"#),
            "option `docs` given twice"
        );
        assert!(err(r#""a.json", conditions = maybe"#).starts_with("unknown `conditions = maybe`"));
        assert!(err(r#""a.json", modules = []"#).contains("selects nothing"));
        assert_eq!(
            err(r#""a.json", oldest_qemu = "ten""#),
            "`ten` is not a QEMU release (as in 10.1)"
        );
        assert!(!err(r#""a.json", docs = 1"#).is_empty());
        assert!(!err("a.json").is_empty());
    }
}
