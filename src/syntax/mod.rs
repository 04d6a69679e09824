//! Reading flow text: the pest grammar, the owned AST with spans, and lowering between them.

pub mod ast;
mod errors;
pub mod limits;
mod lower;
mod parser;

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use pest::Parser;

/// Parses one file. On a syntax error the file is `None` and the diagnostic says where and what
/// was expected, in words; literals that parse but are wrong come back as diagnostics beside a
/// tree.
pub fn parse(file: FileId, text: &str) -> (Option<ast::SourceFile>, Vec<Diagnostic>) {
    if let Some(d) = limits::check(file, text) {
        return (None, vec![d]);
    }
    match parser::FlowParser::parse(parser::Rule::file, text) {
        Ok(mut pairs) => {
            let mut lw = lower::Lowerer::new(file);
            let pair = pairs.next().expect("file rule yields one pair");
            let ast = lower::lower_file(&mut lw, pair);
            let mut diags = lw.diagnostics;
            diags.extend(unquoted_pound_keys(file, text));
            (Some(ast), diags)
        }
        Err(e) => (None, vec![errors::to_diagnostic(e, file, text)]),
    }
}

/// `# => ...` in a menu parses as a comment, so the pound-key choice would vanish silently.
fn unquoted_pound_keys(file: FileId, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('#')
            && rest.trim_start().starts_with("=>")
        {
            let lo = offset + (line.len() - trimmed.len());
            out.push(
                Diagnostic::new(
                    crate::diagnostics::Code::BadMenuChoice,
                    Span::new(file, lo, lo + 1),
                    "this pound-key choice is read as a comment",
                )
                .with_label("`#` starts a comment")
                .with_help("write the pound key in quotes: `\"#\" => ...`"),
            );
        }
        offset += line.len();
    }
    out
}
