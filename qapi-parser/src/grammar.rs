//! The pest grammar of QAPI values (`grammar.pest`). The top-level loop, directives and doc blocks are in
//! [`crate::parser`], which calls [`Rule::expr`] once per top-level expression.

// pest derives `Rule` and its `EOI` variant and `all_rules` without docs.
#![allow(missing_docs)]

use pest_derive::Parser;

/// The parser pest derives from `grammar.pest`; its rules are [`Rule`].
#[derive(Parser)]
#[grammar = "grammar.pest"]
pub struct QapiGrammar;

#[cfg(test)]
mod tests {
    use super::*;
    use pest::error::{ErrorVariant, InputLocation};
    use pest::Parser;

    /// The text `rule` matches at the start of `input`, or `None`.
    fn matched(rule: Rule, input: &str) -> Option<&str> {
        QapiGrammar::parse(rule, input)
            .ok()
            .map(|pairs| pairs.as_str())
    }

    /// Where parsing a value fails, and the rules pest expected there (sorted).
    fn failure(input: &str) -> (usize, Vec<Rule>) {
        let err = QapiGrammar::parse(Rule::expr, input).expect_err("should fail");
        let InputLocation::Pos(pos) = err.location else {
            panic!("span location")
        };
        let ErrorVariant::ParsingError { mut positives, .. } = err.variant else {
            panic!("custom error")
        };
        positives.sort();
        (pos, positives)
    }

    #[test]
    fn strings_are_single_quoted_on_one_line_with_one_escape() {
        assert_eq!(matched(Rule::string, "'abc' x"), Some("'abc'"));
        assert_eq!(matched(Rule::string, "''"), Some("''"));
        assert_eq!(matched(Rule::string, r"'a\\b'"), Some(r"'a\\b'"));
        assert_eq!(matched(Rule::string, r"'\\\\'"), Some(r"'\\\\'"));
        assert_eq!(matched(Rule::string, "'a\"b#c'"), Some("'a\"b#c'"));
        assert_eq!(matched(Rule::string, r"'a\nb'"), None);
        assert_eq!(matched(Rule::string, r"'a\'"), None);
        assert_eq!(matched(Rule::string, "'a\nb'"), None);
        assert_eq!(matched(Rule::string, "\"a\""), None);
        assert_eq!(matched(Rule::key, "'name': 'x'"), Some("'name'"));
    }

    #[test]
    fn booleans_are_prefixes() {
        assert_eq!(matched(Rule::boolean, "true"), Some("true"));
        assert_eq!(matched(Rule::boolean, "falsehood"), Some("false"));
        assert_eq!(matched(Rule::boolean, "True"), None);
        assert_eq!(matched(Rule::value, "null"), None);
        assert_eq!(matched(Rule::value, "1"), None);
    }

    #[test]
    fn objects_and_arrays_nest_with_whitespace_and_comments_between_tokens() {
        let text = "{ 'a' : [ 'x' , true ] ,\n  # a comment\n 'b':{ } }";
        assert_eq!(matched(Rule::expr, text), Some(text));
        assert_eq!(matched(Rule::expr, "[]"), Some("[]"));
        assert_eq!(
            matched(Rule::expr, "[[{}], {'k': false}] tail"),
            Some("[[{}], {'k': false}]")
        );
        // Python's isspace(), including U+001C..U+001F and Unicode spaces.
        assert_eq!(
            matched(Rule::expr, "[\u{1c}'a'\u{a0},\u{3000}'b'\u{b}]"),
            Some("[\u{1c}'a'\u{a0},\u{3000}'b'\u{b}]")
        );
    }

    #[test]
    fn no_trailing_or_leading_commas_and_string_keys_only() {
        assert_eq!(failure("['a',]"), (5, vec![Rule::value]));
        assert_eq!(failure("[,'a']"), (1, vec![Rule::value, Rule::rbrack]));
        assert_eq!(failure("{'a':'b',}"), (9, vec![Rule::key]));
        assert_eq!(failure("{,}"), (1, vec![Rule::key, Rule::rbrace]));
        assert_eq!(failure("{true: 'b'}"), (1, vec![Rule::key, Rule::rbrace]));
    }

    #[test]
    fn failures_name_what_qemu_expected() {
        assert_eq!(failure("{'a' 'b'}"), (5, vec![Rule::colon]));
        assert_eq!(
            failure("{'a': 'b' 'c'}"),
            (10, vec![Rule::rbrace, Rule::comma])
        );
        assert_eq!(failure("['a' 'b']"), (5, vec![Rule::rbrack, Rule::comma]));
        assert_eq!(failure("{'a': }"), (6, vec![Rule::value]));
        assert_eq!(failure("}"), (0, vec![Rule::value]));
        // At the end of the input.
        assert_eq!(failure("['a',\n"), (6, vec![Rule::value]));
    }

    #[test]
    fn a_doc_comment_inside_a_value_is_not_skipped() {
        assert_eq!(
            matched(Rule::expr, "{ 'a': 'b' # fine\n}"),
            Some("{ 'a': 'b' # fine\n}")
        );
        assert_eq!(
            failure("{ 'a': 'b' ## doc\n}"),
            (11, vec![Rule::rbrace, Rule::comma])
        );
        assert_eq!(
            failure("[ ##\n 'a' ]"),
            (2, vec![Rule::value, Rule::rbrack])
        );
    }
}
