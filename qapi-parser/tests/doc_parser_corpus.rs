//! Every doc block of every schema file under `../shared/qemu` reads without error: all releases in tolerant
//! mode, and QEMU 9.2.4's own schemas in strict mode (they are QEMU's own input, so strict must accept them).

use std::path::{Path, PathBuf};

use qapi_schema::doc_parser::parse_doc_block;
use qapi_schema::{Diagnostic, FileId, Options, Rules, SourceFile, SourceMap};

/// The shared reference directory, or `None` after saying it is missing (a failure under `CI=true`).
fn shared_dir() -> Option<PathBuf> {
    qapi_tests::require(&qapi_tests::shared_dir(), "the shared reference directory")
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Offsets of the doc blocks of a file: lines starting with `##`, after the end of the previous block.
struct Outcome {
    blocks: usize,
    warnings: Vec<Diagnostic>,
    errors: Vec<Diagnostic>,
}

fn read_blocks(file: &SourceFile, options: &Options) -> Outcome {
    let mut outcome = Outcome {
        blocks: 0,
        warnings: Vec::new(),
        errors: Vec::new(),
    };
    let mut pos = 0;
    let text = &file.text;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
        if text[pos..].starts_with("##") {
            outcome.blocks += 1;
            match parse_doc_block(file, FileId(0), pos, options, &mut outcome.warnings) {
                Ok((doc, end)) => {
                    assert!(
                        end > pos && end <= text.len(),
                        "block end {end} out of range"
                    );
                    assert_eq!(doc.span.start as usize, pos);
                    pos = text[end..].find('\n').map_or(text.len(), |n| end + n + 1);
                    continue;
                }
                Err(diag) => outcome.errors.push(diag),
            }
        }
        pos = line_end + 1;
    }
    outcome
}

fn load(path: &Path) -> SourceMap {
    let text = std::fs::read_to_string(path).expect("schema file is readable UTF-8");
    let mut map = SourceMap::new();
    map.add(SourceFile::new(
        path.display().to_string(),
        path.to_path_buf(),
        text,
        None,
    ));
    map
}

/// Reads every block of every file; returns (files, blocks, warnings, rendered errors).
fn run(files: &[PathBuf], options: &Options) -> (usize, usize, usize, Vec<String>) {
    let (mut blocks, mut warnings, mut errors) = (0, 0, Vec::new());
    for path in files {
        let map = load(path);
        let outcome = read_blocks(map.get(FileId(0)), options);
        blocks += outcome.blocks;
        warnings += outcome.warnings.len();
        if std::env::var_os("SHOW_WARNINGS").is_some() {
            for w in &outcome.warnings {
                eprintln!("{}", w.display(&map));
            }
        }
        errors.extend(outcome.errors.iter().map(|e| e.display(&map).to_string()));
    }
    (files.len(), blocks, warnings, errors)
}

#[test]
fn every_release_reads_in_tolerant_mode() {
    let Some(shared) = shared_dir() else { return };
    let mut files = Vec::new();
    json_files(&shared.join("qemu"), &mut files);
    let (nfiles, blocks, warnings, errors) = run(&files, &Options::default());
    eprintln!(
        "tolerant: {nfiles} files, {blocks} doc blocks, {warnings} warnings, {} errors",
        errors.len()
    );
    assert!(
        nfiles > 400,
        "expected the schemas of five releases, found {nfiles} files"
    );
    assert!(
        blocks > 4000,
        "expected thousands of doc blocks, found {blocks}"
    );
    assert!(
        errors.is_empty(),
        "{} blocks failed:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn qemu_9_2_schemas_read_in_strict_mode() {
    let Some(shared) = shared_dir() else { return };
    let root = shared.join("qemu/9.2.4");
    let mut files = Vec::new();
    for dir in ["qapi", "qga", "storage-daemon"] {
        json_files(&root.join(dir), &mut files);
    }
    // The positive cases of QEMU's own suite too (empty `.err`).
    let mut suite = Vec::new();
    json_files(&root.join("tests/qapi-schema"), &mut suite);
    files.extend(suite.into_iter().filter(|p| {
        std::fs::read_to_string(p.with_extension("err")).is_ok_and(|err| err.is_empty())
    }));
    let (nfiles, blocks, _, errors) = run(&files, &Options::strict_as(Rules::V9_2));
    eprintln!(
        "strict 9.2.4: {nfiles} files, {blocks} doc blocks, {} errors",
        errors.len()
    );
    assert!(
        blocks > 1000,
        "expected over a thousand doc blocks, found {blocks}"
    );
    assert!(
        errors.is_empty(),
        "{} blocks failed:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn qemu_9_2_schemas_read_the_same_in_both_modes() {
    let Some(shared) = shared_dir() else { return };
    let mut files = Vec::new();
    json_files(&shared.join("qemu/9.2.4/qapi"), &mut files);
    json_files(&shared.join("qemu/9.2.4/qga"), &mut files);
    for path in &files {
        let map = load(path);
        let file = map.get(FileId(0));
        let strict = read_docs(file, &Options::strict_as(Rules::V9_2));
        let mut warnings = Vec::new();
        let tolerant = read_docs_with(file, &Options::default(), &mut warnings);
        assert!(
            warnings.is_empty(),
            "{}: {}",
            path.display(),
            warnings[0].display(&map)
        );
        assert_eq!(strict, tolerant, "{}", path.display());
    }
}

fn read_docs(file: &SourceFile, options: &Options) -> Vec<qapi_schema::doc::Doc> {
    read_docs_with(file, options, &mut Vec::new())
}

/// Every doc block of a file that reads without error.
fn read_docs_with(
    file: &SourceFile,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<qapi_schema::doc::Doc> {
    let mut docs = Vec::new();
    let mut pos = 0;
    while pos < file.text.len() {
        if file.text[pos..].starts_with("##") {
            if let Ok((doc, end)) = parse_doc_block(file, FileId(0), pos, options, warnings) {
                docs.push(doc);
                pos = end;
            }
        }
        pos = file.text[pos..]
            .find('\n')
            .map_or(file.text.len(), |n| pos + n + 1);
    }
    docs
}
