//! The shell itself, apart from line editing: reading a line, checking it against the schema, sending it, showing
//! the reply. Used the same way by the interactive shell and by scripts on standard input.

use std::sync::Arc;
use std::time::Duration;

use qmp_client::{Client, Error};
use serde_json::{json, Map, Value};

use crate::qmp_shell::command_line::{parse_arguments, parse_value, split_words, Arguments};
use crate::qmp_shell::completion::{hmp_names, Context, Vocabulary};
use crate::qmp_shell::drivers::{
    check_properties, open_command, LiveTypes, OpenCommand, TypeProperty,
};
use crate::qmp_shell::events::{format_json, format_ordered, EventSink, Events};
use crate::qmp_shell::help;
use crate::qmp_shell::validate::{check, check_command, coerce_loose, Report};
use crate::shared::read_only::ReadOnly;
use crate::shared::schema::Schema;

/// Where the shell writes: replies on `out`, problems on `err`.
pub trait Console: Send {
    /// Writes a reply or other output.
    fn out(&mut self, text: &str);
    /// Writes an error or a warning.
    fn err(&mut self, text: &str);
}

/// Standard output and standard error.
pub struct StdConsole;

impl Console for StdConsole {
    fn out(&mut self, text: &str) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    fn err(&mut self, text: &str) {
        eprintln!("{text}");
    }
}

/// How the shell behaves.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Indented JSON.
    pub pretty: bool,
    /// Show each request before sending it.
    pub verbose: bool,
    /// Start in HMP mode.
    pub hmp: bool,
    /// Talking to a guest agent.
    pub guest_agent: bool,
    /// Send arguments even when the schema says they are wrong.
    pub no_validate: bool,
    /// Ctrl-C abandons the command being waited for (interactive use).
    pub interruptible: bool,
    /// Refuse commands that are not queries.
    pub read_only: ReadOnly,
    /// Python qmp-shell's -N: a `qmp_capabilities` line is answered here (this client negotiated already).
    pub skip_negotiation: bool,
    /// Where every request, reply and event is also written, one JSON message a line (`-l FILE`).
    pub log: Option<Log>,
}

/// The log file of `-l`, shared by the shell and its event display.
pub type Log = Arc<std::sync::Mutex<std::fs::File>>;

/// Appends one line to the log, if there is one; a failing log is reported once per line, not fatal.
pub fn log_line(log: &Option<Log>, text: &str) {
    use std::io::Write;
    if let Some(log) = log {
        let mut file = log.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = writeln!(file, "{text}") {
            eprintln!("qmp-shell: writing the log file: {e}");
        }
    }
}

/// The type an open-ended command's tag chose, and its properties as the live QEMU lists them.
struct OpenArguments {
    open: OpenCommand,
    type_name: String,
    properties: Result<Arc<Vec<TypeProperty>>, String>,
    known_types: Arc<Vec<String>>,
}

/// What a line left behind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// The line failed: a batch run (commands on standard input) then exits with status 1.
    pub failed: bool,
    /// The line asked to quit.
    pub quit: bool,
}

/// A connected shell.
pub struct Shell {
    client: Client,
    vocab: Arc<Vocabulary>,
    events: Option<Events>,
    console: Box<dyn Console>,
    opts: Options,
    hmp: bool,
    hmp_cpu: Option<i64>,
    /// Actions of the transaction being written.
    transaction: Option<Vec<Value>>,
}

const DEFAULT_WAIT: Duration = Duration::from_secs(10);

impl Shell {
    /// Learns the server's commands and starts showing its events on `sink`; fails when the server does not
    /// answer.
    pub async fn start(
        client: Client,
        opts: Options,
        console: Box<dyn Console>,
        sink: impl EventSink,
    ) -> Result<Shell, Error> {
        let mut vocab = load_vocabulary(&client, opts.guest_agent).await?;
        if !opts.guest_agent {
            vocab.live = Some(Arc::new(LiveTypes::new(client.clone())));
        }
        let vocab = Arc::new(vocab);
        let events = if opts.guest_agent {
            None
        } else {
            let stream = client
                .take_events()
                .unwrap_or_else(|| client.subscribe_all());
            let sink = Logged {
                sink,
                log: opts.log.clone(),
            };
            Some(Events::start(stream, sink, opts.pretty))
        };
        let mut shell = Shell {
            client,
            vocab,
            events,
            console,
            hmp: false,
            hmp_cpu: None,
            transaction: None,
            opts,
        };
        if shell.opts.hmp {
            shell.enter_hmp().await;
        }
        Ok(shell)
    }

    /// The welcome text of the interactive shell.
    pub fn banner(&self) -> String {
        let who = match self.client.greeting() {
            Some(g) => {
                let v = &g.version.qemu;
                format!("QEMU {}.{}.{}", v.major, v.minor, v.micro)
            }
            None => "a guest agent".to_owned(),
        };
        let how = match (&self.vocab.schema, self.vocab.commands.len()) {
            (Some(s), _) => format!("{} commands from its schema", s.command_names().count()),
            (None, n) => format!("{n} commands"),
        };
        format!(
            "Welcome to the QMP shell. Connected to {who} ({how}); Tab completes, .help explains."
        )
    }

    /// The prompt for the next line: `(QEMU) `, `(QGA) `, `(HMP) ` or `TRANS> ` inside a transaction.
    pub fn prompt(&self) -> &'static str {
        match () {
            _ if self.transaction.is_some() => "TRANS> ",
            _ if self.hmp => "(HMP) ",
            _ if self.opts.guest_agent => "(QGA) ",
            _ => "(QEMU) ",
        }
    }

    /// What the next line is completed as: QMP (in a transaction or not) or HMP.
    pub fn context(&self) -> Context {
        if self.hmp {
            Context::Hmp
        } else {
            Context::Qmp {
                in_transaction: self.transaction.is_some(),
            }
        }
    }

    /// What the shell knows of the server, for completion.
    pub fn vocabulary(&self) -> Arc<Vocabulary> {
        self.vocab.clone()
    }

    /// A transaction is open and not yet sent.
    pub fn in_transaction(&self) -> bool {
        self.transaction.is_some()
    }

    /// Drops an open transaction (Ctrl-C at its prompt).
    pub fn cancel_transaction(&mut self) {
        if self.transaction.take().is_some() {
            self.console.err("transaction cancelled");
        }
    }

    /// Shows the events received so far, then stops showing them: the connection closing after this is the shell
    /// leaving, not news.
    pub async fn finish(&mut self) {
        if let Some(events) = &self.events {
            events.flush().await;
            events.stop();
        }
    }

    /// Runs one line.
    pub async fn run_line(&mut self, line: &str) -> Status {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Status::default();
        }
        if line.starts_with('.') {
            return self.builtin(line).await;
        }
        if !self.hmp && self.transaction.is_none() {
            if let Some(builtin) = builtin_alias(line) {
                return self.builtin(&builtin).await;
            }
        }
        if self.hmp {
            return self.hmp_line(line).await;
        }
        if line.starts_with('{') {
            return self.json_line(line).await;
        }
        let words = match split_words(line, false) {
            Ok(words) => words.into_iter().map(|w| w.text).collect::<Vec<_>>(),
            Err(e) => return self.fail(&e),
        };
        if self.transaction.is_some() || words.first().map(String::as_str) == Some("transaction(") {
            return self.transaction_line(words).await;
        }
        let Some((name, rest)) = words.split_first() else {
            return Status::default();
        };
        if name == "qmp_capabilities" && self.opts.skip_negotiation {
            // The client negotiated on connecting; QEMU would now refuse a second negotiation.
            self.console
                .out(&format_ordered(&[("return", &json!({}))], self.opts.pretty));
            return Status::default();
        }
        let open = self.open_arguments(name, rest).await;
        match self.arguments(name, rest, None, open) {
            Some(args) => self.send(name, args, false).await,
            None => failed(),
        }
    }

    fn fail(&mut self, message: &str) -> Status {
        self.console.err(&format!("error: {message}"));
        failed()
    }

    /// Reads `key=value` words for `name` (a command, or a transaction action when `action_type` is given),
    /// checked against the schema. `None` when they are wrong (the problems are shown).
    fn arguments(
        &mut self,
        name: &str,
        words: &[String],
        action_type: Option<&str>,
        open: Option<OpenArguments>,
    ) -> Option<Map<String, Value>> {
        // An unknown command is the news, whatever its arguments look like.
        if let (Some(schema), None) = (&self.vocab.schema, action_type) {
            if schema.command(name).is_none() && !self.opts.no_validate {
                let report = check_command(schema, name, &Map::new());
                self.report(name, &report);
                return None;
            }
        }
        let mut args = match parse_arguments(words.iter().map(String::as_str)) {
            Ok(args) => args,
            Err(e) => {
                self.fail(&format!("{name}: {e}"));
                return None;
            }
        };
        let vocab = self.vocab.clone();
        let report = match (&vocab.schema, action_type) {
            (Some(schema), Some(data_type)) => {
                coerce_loose(schema, data_type, &mut args.object, &args.loose);
                check(schema, data_type, &Value::Object(args.object.clone()))
            }
            (Some(schema), None) => {
                let mut early = Report::default();
                let extra = open.map(|open| open_extra(schema, name, &open, &mut args, &mut early));
                if let Some(cmd) = schema.command(name) {
                    coerce_loose(schema, cmd.arg_type, &mut args.object, &args.loose);
                }
                let mut report = check_command(schema, name, &args.object);
                early.problems.append(&mut report.problems);
                early.warnings.append(&mut report.warnings);
                args.object.extend(extra.unwrap_or_default());
                early
            }
            (None, _) => self.check_name_only(name),
        };
        self.report(name, &report).then_some(args.object)
    }

    /// Without a schema only the command name can be checked.
    fn check_name_only(&self, name: &str) -> Report {
        let mut report = Report::default();
        if self.vocab.disabled.iter().any(|c| c == name) {
            report
                .problems
                .push(format!("'{name}' is disabled on this guest agent"));
        } else if !self.vocab.commands.is_empty() && !self.vocab.commands.iter().any(|c| c == name)
        {
            let hint = crate::qmp_shell::validate::did_you_mean(
                name,
                self.vocab.commands.iter().map(String::as_str),
            );
            report
                .problems
                .push(format!("unknown command '{name}'{hint}"));
        }
        report
    }

    /// Shows a report; whether the command may be sent.
    fn report(&mut self, name: &str, report: &Report) -> bool {
        for w in &report.warnings {
            self.console.err(&format!("warning: {name}: {w}"));
        }
        for p in &report.problems {
            self.console.err(&format!("error: {name}: {p}"));
        }
        if !report.is_ok() && self.opts.no_validate {
            self.console.err("(sending anyway: --no-validate)");
            return true;
        }
        report.is_ok()
    }

    async fn json_line(&mut self, line: &str) -> Status {
        let request: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => return self.fail(&format!("not valid JSON: {e}")),
        };
        let oob = request.get("exec-oob").is_some();
        let name = request.get("execute").or_else(|| request.get("exec-oob"));
        let Some(name) = name.and_then(Value::as_str) else {
            return self
                .fail("a JSON request needs \"execute\" (or \"exec-oob\"): \"command-name\"");
        };
        let args = match request.get("arguments") {
            None => Map::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(_) => return self.fail("\"arguments\" must be an object"),
        };
        let report = match &self.vocab.schema {
            Some(schema) => check_command(schema, name, &args),
            None => self.check_name_only(name),
        };
        if !self.report(name, &report) {
            return failed();
        }
        self.send(name, args, oob).await
    }

    async fn transaction_line(&mut self, mut words: Vec<String>) -> Status {
        if words.first().map(String::as_str) == Some("transaction(") {
            if self.transaction.is_some() {
                return self.fail("a transaction is already open; end it with )");
            }
            words.remove(0);
            self.transaction = Some(Vec::new());
        }
        let close = words.last().map(String::as_str) == Some(")");
        if close {
            words.pop();
        }
        if let Some((action, rest)) = words.split_first() {
            if let Err(status) = self.add_action(action, rest) {
                return status;
            }
        }
        if !close {
            return Status::default();
        }
        let actions = self.transaction.take().unwrap_or_default();
        let mut args = Map::new();
        args.insert("actions".to_owned(), Value::Array(actions));
        self.send("transaction", args, false).await
    }

    /// Adds one action to the open transaction; a wrong one is refused and the transaction stays open.
    fn add_action(&mut self, action: &str, words: &[String]) -> Result<(), Status> {
        let data_type = match &self.vocab.schema {
            Some(schema) => match schema.transaction_data_type(action) {
                Some(t) => Some(t.to_owned()),
                None => {
                    let known = schema.transaction_actions();
                    let hint =
                        crate::qmp_shell::validate::did_you_mean(action, known.iter().copied());
                    return Err(self.fail(&format!("unknown transaction action '{action}'{hint}")));
                }
            },
            None => None,
        };
        let args = match data_type {
            Some(t) => self.arguments(action, words, Some(&t), None),
            None => match parse_arguments(words.iter().map(String::as_str)) {
                Ok(a) => Some(a.object),
                Err(e) => {
                    self.fail(&format!("{action}: {e}"));
                    None
                }
            },
        };
        let Some(args) = args else {
            return Err(failed());
        };
        if let Some(list) = &mut self.transaction {
            list.push(json!({"type": action, "data": args}));
        }
        Ok(())
    }

    async fn hmp_line(&mut self, line: &str) -> Status {
        let mut words = line.split_whitespace();
        if let (Some("cpu"), Some(n), None) = (words.next(), words.next(), words.next()) {
            if let Ok(index) = n.parse::<i64>() {
                self.hmp_cpu = Some(index);
                return Status::default();
            }
        }
        if self.refused("human-monitor-command") {
            return failed();
        }
        let mut args = json!({"command-line": line});
        if let Some(cpu) = self.hmp_cpu {
            args["cpu-index"] = json!(cpu);
        }
        match self.execute("human-monitor-command", args, false).await {
            Some(Ok(Value::String(text))) => {
                // The human monitor ends its lines with CR LF.
                let text = text.replace("\r\n", "\n");
                let text = text.strip_suffix('\n').unwrap_or(&text);
                if !text.is_empty() {
                    self.console.out(text);
                }
                Status::default()
            }
            Some(Ok(other)) => {
                self.console.out(&format_json(&other, self.opts.pretty));
                Status::default()
            }
            Some(Err(e)) => self.show_error(e),
            None => failed(),
        }
    }

    async fn enter_hmp(&mut self) {
        if self.opts.guest_agent {
            self.fail("a guest agent has no human monitor");
            return;
        }
        // Any HMP line may change the VM: read-only mode has no HMP.
        if self.refused("human-monitor-command") {
            return;
        }
        self.hmp = true;
        if self.vocab.hmp.is_empty() {
            let mut vocab = (*self.vocab).clone();
            let help = |cmd: &str| json!({"command-line": cmd});
            if let Ok(Value::String(text)) = self
                .client
                .execute_raw("human-monitor-command", help("help"))
                .await
            {
                vocab.hmp = hmp_names(&text, false);
            }
            if let Ok(Value::String(text)) = self
                .client
                .execute_raw("human-monitor-command", help("help info"))
                .await
            {
                vocab.hmp_info = hmp_names(&text, true);
            }
            self.vocab = Arc::new(vocab);
        }
    }

    /// Runs a command (out-of-band with `oob`), abandoning it on Ctrl-C when interactive; then shows the events
    /// that came before the reply.
    async fn execute(
        &mut self,
        name: &str,
        args: Value,
        oob: bool,
    ) -> Option<Result<Value, Error>> {
        let key = if oob { "exec-oob" } else { "execute" };
        let quoted = Value::String(name.to_owned());
        let request = |pretty| {
            if args.is_null() {
                format_ordered(&[(key, &quoted)], pretty)
            } else {
                format_ordered(&[(key, &quoted), ("arguments", &args)], pretty)
            }
        };
        if self.opts.verbose {
            self.console.out(&request(self.opts.pretty));
        }
        log_line(&self.opts.log, &request(false));
        let client = self.client.clone();
        let result = self
            .interruptible(async {
                if oob {
                    client.execute_raw_oob(name, args).await
                } else {
                    client.execute_raw(name, args).await
                }
            })
            .await;
        if let Some(events) = &self.events {
            events.flush().await;
        }
        match &result {
            None => self
                .console
                .err("interrupted (the command may still complete; its reply will be dropped)"),
            Some(Ok(value)) => {
                log_line(&self.opts.log, &format_ordered(&[("return", value)], false))
            }
            Some(Err(Error::Qmp { class, desc })) => {
                let error = json!({"class": class.as_str(), "desc": desc});
                log_line(&self.opts.log, &format_ordered(&[("error", &error)], false));
            }
            Some(Err(_)) => {}
        }
        result
    }

    /// Awaits `work`, or gives `None` on Ctrl-C when interactive.
    async fn interruptible<T>(&self, work: impl std::future::Future<Output = T>) -> Option<T> {
        if self.opts.interruptible {
            tokio::select! {
                r = work => Some(r),
                _ = tokio::signal::ctrl_c() => None,
            }
        } else {
            Some(work.await)
        }
    }

    /// The live properties of the type an open-ended command (`device_add driver=...`) names, where the schema
    /// does not describe them.
    async fn open_arguments(&self, name: &str, words: &[String]) -> Option<OpenArguments> {
        let open = open_command(name)?;
        let live = self.vocab.live.clone()?;
        let cmd = self.vocab.schema.as_ref()?.command(name)?;
        let type_name = words.iter().find_map(|w| {
            let text = w.strip_prefix(open.tag)?.strip_prefix('=')?;
            match parse_value(text) {
                Ok((Value::String(s), _)) => Some(s),
                _ => None,
            }
        })?;
        let schema = self.vocab.schema.as_ref()?;
        if schema.branch_type(cmd.arg_type, &type_name).is_some() {
            return None; // The schema describes this type's members itself.
        }
        let properties = live.properties(open.kind, &type_name).await;
        let known_types = match properties {
            Ok(_) => Arc::default(),
            Err(_) => live.types(open.kind).await,
        };
        Some(OpenArguments {
            open,
            type_name,
            properties,
            known_types,
        })
    }

    /// Whether read-only mode refuses `name` (and says so).
    fn refused(&mut self, name: &str) -> bool {
        match self.opts.read_only.check(name) {
            Ok(()) => false,
            Err(why) => {
                self.fail(&why);
                true
            }
        }
    }

    async fn send(&mut self, name: &str, args: Map<String, Value>, oob: bool) -> Status {
        if self.refused(name) {
            return failed();
        }
        let args = if args.is_empty() {
            Value::Null
        } else {
            Value::Object(args)
        };
        match self.execute(name, args, oob).await {
            Some(Ok(value)) => {
                let reply = format_ordered(&[("return", &value)], self.opts.pretty);
                self.console.out(&reply);
                Status::default()
            }
            Some(Err(e)) => self.show_error(e),
            None => failed(),
        }
    }

    fn show_error(&mut self, e: Error) -> Status {
        match e {
            Error::Qmp { class, desc } => {
                let error = json!({"class": class.as_str(), "desc": desc});
                self.console
                    .out(&format_ordered(&[("error", &error)], self.opts.pretty));
                failed()
            }
            other => {
                let quit = other.is_disconnect();
                self.fail(&crate::shared::connect::describe(&other));
                Status { failed: true, quit }
            }
        }
    }

    async fn builtin(&mut self, line: &str) -> Status {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [".quit"] | [".exit"] => Status {
                failed: false,
                quit: true,
            },
            [".help"] => {
                self.console.out(help::SHELL_HELP);
                Status::default()
            }
            [".help", name] => match help::describe_command(&self.vocab, name) {
                Ok(text) => {
                    self.console.out(&text);
                    Status::default()
                }
                Err(e) => self.fail(&e),
            },
            [".wait", name, rest @ ..] if rest.len() <= 1 => {
                self.wait(name, rest.first().copied()).await
            }
            [".pretty"] | [".compact"] => {
                self.opts.pretty = words[0] == ".pretty";
                if let Some(events) = &self.events {
                    events.set_pretty(self.opts.pretty);
                }
                Status::default()
            }
            [".verbose"] | [".quiet"] => {
                self.opts.verbose = words[0] == ".verbose";
                Status::default()
            }
            [".hmp"] => {
                self.enter_hmp().await;
                Status::default()
            }
            [".qmp"] => {
                self.hmp = false;
                Status::default()
            }
            _ => self.fail(&format!("unknown shell command '{line}' (see .help)")),
        }
    }

    async fn wait(&mut self, name: &str, seconds: Option<&str>) -> Status {
        let limit = match seconds.map(str::parse::<f64>) {
            None => DEFAULT_WAIT,
            Some(Ok(s)) if s.is_finite() && s >= 0.0 => Duration::from_secs_f64(s.min(1e6)),
            Some(_) => return self.fail(".wait NAME [SECONDS]: SECONDS must be a number"),
        };
        let Some(events) = &self.events else {
            return self.fail("this connection has no events");
        };
        match self.interruptible(events.wait_for(name, limit)).await {
            Some(true) => Status::default(),
            Some(false) => self.fail(&format!("no {name} event within {} s", limit.as_secs_f64())),
            None => self.fail("interrupted"),
        }
    }
}

/// Takes the open-ended command's properties out of `args` (checked against the chosen type's, problems into
/// `early`), leaving the schema's own arguments for the schema check.
fn open_extra(
    schema: &Schema,
    name: &str,
    open: &OpenArguments,
    args: &mut Arguments,
    early: &mut Report,
) -> Map<String, Value> {
    let Some(cmd) = schema.command(name) else {
        return Map::new();
    };
    let given = Value::Object(args.object.clone());
    let members = schema.members_for(cmd.arg_type, Some(&given));
    let members: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    let properties = match &open.properties {
        Ok(list) => list.as_slice(),
        Err(why) => {
            let hint = crate::qmp_shell::suggest::did_you_mean(
                &open.type_name,
                open.known_types.iter().map(String::as_str),
            );
            early
                .problems
                .push(format!("{}={}: {why}{hint}", open.open.tag, open.type_name));
            &[]
        }
    };
    let extra = check_properties(
        &mut args.object,
        &args.loose,
        &members,
        properties,
        &open.type_name,
        early,
    );
    // An unknown type: its name is the one problem worth showing, not each of its properties.
    if open.properties.is_err() {
        early.problems.truncate(1);
    }
    extra
}

fn failed() -> Status {
    Status {
        failed: true,
        quit: false,
    }
}

/// The schema (`query-qmp-schema`), or just the command names where there is none (guest agent, old QEMU). A
/// server that does not answer, or goes away, is an error: the shell would be of no use.
pub async fn load_vocabulary(client: &Client, guest_agent: bool) -> Result<Vocabulary, Error> {
    let mut vocab = Vocabulary::default();
    if guest_agent {
        let info = give_up_on_silence(client.execute_raw("guest-info", Value::Null).await)?;
        for (name, enabled) in crate::shared::lists::agent_commands(&info.unwrap_or_default()) {
            if enabled {
                vocab.commands.push(name);
            } else {
                vocab.disabled.push(name);
            }
        }
        return Ok(vocab);
    }
    let schema = client.execute_raw("query-qmp-schema", Value::Null).await;
    match give_up_on_silence(schema)? {
        Some(reply) => vocab.schema = Schema::from_introspection(&reply).ok(),
        None => {
            let list = client.execute_raw("query-commands", Value::Null).await;
            if let Some(list) = give_up_on_silence(list)? {
                vocab.commands = crate::shared::lists::names(&list);
            }
        }
    }
    Ok(vocab)
}

/// A refusal is `None` (the shell does without); a timeout or a lost connection is the error.
fn give_up_on_silence(answer: Result<Value, Error>) -> Result<Option<Value>, Error> {
    match answer {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_disconnect() || matches!(e, Error::Timeout(_)) => Err(e),
        Err(_) => Ok(None),
    }
}

/// The words a newcomer tries first: `exit` leaves like `.quit`; `help` and `?` (with or without a command name)
/// are `.help`. `quit`, QEMU's own command that stops QEMU, is not one of them.
fn builtin_alias(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    let first = words.next()?;
    let rest: Vec<&str> = words.collect();
    match (first, rest.as_slice()) {
        ("exit", []) => Some(".quit".to_owned()),
        ("help" | "?", []) => Some(".help".to_owned()),
        ("help" | "?", [name]) => Some(format!(".help {name}")),
        _ => None,
    }
}

/// Events shown, and also written to the log file.
struct Logged<S> {
    sink: S,
    log: Option<Log>,
}

impl<S: EventSink> EventSink for Logged<S> {
    fn show(&mut self, text: String) {
        if self.log.is_some() {
            // The log holds one message a line, whatever the display's indentation.
            let line = serde_json::from_str::<Value>(&text)
                .map(|v| v.to_string())
                .unwrap_or_else(|_| text.clone());
            log_line(&self.log, &line);
        }
        self.sink.show(text);
    }

    fn closed(&mut self) {
        self.sink.closed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_help_and_question_mark_are_the_shell_s_own() {
        assert_eq!(builtin_alias("exit").as_deref(), Some(".quit"));
        assert_eq!(builtin_alias("  help ").as_deref(), Some(".help"));
        assert_eq!(
            builtin_alias("? query-status").as_deref(),
            Some(".help query-status")
        );
        assert_eq!(builtin_alias("quit"), None);
        assert_eq!(builtin_alias("exit now"), None);
        assert_eq!(builtin_alias("query-status"), None);
    }
}
