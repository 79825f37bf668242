//! The two ways the shell reads lines: interactively with line editing (rustyline: completion, history kept in a
//! file), or from standard input for scripts.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Editor, ExternalPrinter, Helper};
use tokio::runtime::Runtime;

use crate::qmp_shell::completion::{complete, Context, Vocabulary};
use crate::qmp_shell::events::{EventSink, Stdout};
use crate::qmp_shell::shell::{Shell, StdConsole};

/// Completion for the line editor, from the shell's vocabulary.
struct ShellHelper {
    vocab: Arc<Vocabulary>,
    context: Context,
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, candidates) = complete(&self.vocab, self.context, line, pos);
        let pairs = candidates
            .into_iter()
            .map(|c| Pair {
                display: c.display,
                replacement: c.replacement,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}
impl Highlighter for ShellHelper {}
impl Validator for ShellHelper {}
impl Helper for ShellHelper {}

/// Events during line editing go through the editor (which redraws the prompt below them); while a command runs
/// there is no prompt, so they go straight to standard output, in order with the reply.
struct PromptSink<P> {
    printer: P,
    at_prompt: Arc<AtomicBool>,
}

impl<P: ExternalPrinter + Send + 'static> EventSink for PromptSink<P> {
    fn show(&mut self, text: String) {
        if !self.at_prompt.load(Ordering::SeqCst) || self.printer.print(text.clone()).is_err() {
            Stdout.show(text);
        }
    }

    fn closed(&mut self) {
        let note = "qmp-shell: the server closed the connection (Ctrl-D leaves)".to_owned();
        if !self.at_prompt.load(Ordering::SeqCst) || self.printer.print(note.clone()).is_err() {
            eprintln!("{note}");
        }
    }
}

/// The default history file: the original shell's name, in the home directory.
pub fn default_history() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".qmp-shell_history"))
}

/// Reads commands from standard input, one per line; the exit status is 1 when any failed.
pub fn run_batch(rt: &Runtime, shell: &mut Shell) -> i32 {
    let mut failures = 0;
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let status = rt.block_on(shell.run_line(&line));
        failures += usize::from(status.failed);
        if status.quit {
            break;
        }
    }
    if shell.in_transaction() {
        eprintln!("error: input ended inside a transaction; it was not sent");
        failures += 1;
    }
    rt.block_on(shell.finish());
    i32::from(failures > 0)
}

/// The interactive shell. `connect` makes the shell once the editor exists (events need its printer).
pub fn run_interactive(
    rt: &Runtime,
    history: Option<PathBuf>,
    start: impl FnOnce(Box<dyn EventSink>) -> Result<Shell, String>,
) -> i32 {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(true)
        .history_ignore_dups(true)
        .and_then(|c| c.history_ignore_space(true).max_history_size(2000))
        .map(|c| c.build());
    let editor = config.and_then(Editor::<ShellHelper, FileHistory>::with_config);
    let mut editor = match editor {
        Ok(e) => e,
        Err(e) => {
            eprintln!("qmp-shell: cannot start the line editor: {e}");
            return 2;
        }
    };
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let at_prompt = Arc::new(AtomicBool::new(false));
    let sink: Box<dyn EventSink> = match editor.create_external_printer() {
        Ok(printer) => Box::new(PromptSink {
            printer,
            at_prompt: at_prompt.clone(),
        }),
        Err(_) => Box::new(Stdout),
    };
    let mut shell = match start(sink) {
        Ok(shell) => shell,
        Err(e) => {
            eprintln!("qmp-shell: {e}");
            return 2;
        }
    };
    println!("{}", shell.banner());
    loop {
        editor.set_helper(Some(ShellHelper {
            vocab: shell.vocabulary(),
            context: shell.context(),
        }));
        at_prompt.store(true, Ordering::SeqCst);
        let line = editor.readline(shell.prompt());
        at_prompt.store(false, Ordering::SeqCst);
        match line {
            // A bracketed paste of several lines arrives as one line holding newlines: each runs on its own.
            Ok(line) => {
                let mut lines = line.split(['\n', '\r']);
                if lines.any(|one| rt.block_on(shell.run_line(one)).quit) {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => shell.cancel_transaction(),
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("qmp-shell: {e}");
                break;
            }
        }
    }
    rt.block_on(shell.finish());
    if let Some(path) = &history {
        if let Err(e) = editor.append_history(path) {
            eprintln!(
                "qmp-shell: could not save the history to {}: {e}",
                path.display()
            );
        }
    }
    0
}

impl EventSink for Box<dyn EventSink> {
    fn show(&mut self, text: String) {
        (**self).show(text)
    }

    fn closed(&mut self) {
        (**self).closed()
    }
}

/// The console every shell front end uses.
pub fn console() -> Box<StdConsole> {
    Box::new(StdConsole)
}
