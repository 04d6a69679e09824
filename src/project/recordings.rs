//! The recordings a project names — prompt texts' `audio`, a `hold`'s `music`, a queue's
//! `hold_music` — must be files of the project folder, or callers hear TTS (or the platform's
//! default music) instead: W0704.

use crate::compile::{Action, FlowGraph};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::center::Center;
use crate::source::Span;
use crate::syntax::ast::SourceFile;
use std::path::Path;

/// W0704 for each recording named in `files`, `graphs` and `center` that is not a file under `root`.
pub(super) fn missing<'a>(
    root: &Path,
    files: impl Iterator<Item = &'a SourceFile>,
    graphs: &[FlowGraph],
    center: Option<&Center>,
) -> Vec<Diagnostic> {
    let mut named: Vec<(&str, Span, &str)> = Vec::new();
    for f in files {
        for p in &f.prompts {
            for t in &p.texts {
                if let Some(a) = &t.audio {
                    named.push((&a.value, a.span, "the prompt's text is spoken (TTS) instead"));
                }
            }
        }
    }
    for g in graphs {
        for n in g.nodes() {
            if let Action::Hold(_, Some(m)) = &n.action {
                named.push((&m.value, m.span, "the queue's or the platform's music plays instead"));
            }
        }
    }
    for q in center.iter().flat_map(|c| c.queues.values()) {
        if let (Some(m), Some(span)) = (&q.hold_music, q.hold_music_span) {
            named.push((m, span, "the platform's default music plays instead"));
        }
    }
    named
        .into_iter()
        .filter(|(file, _, _)| !root.join(file).is_file())
        .map(|(file, span, instead)| {
            Diagnostic::new(Code::AudioMissing, span, format!("no recording `{file}` in the project"))
                .with_label("file not found")
                .with_help(format!(
                    "add the file (relative to the project folder, e.g. `audio/hold.wav`); until then {instead}"
                ))
        })
        .collect()
}
