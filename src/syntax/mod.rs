//! Reading flow text: the pest grammar, the owned AST with spans, and lowering between them.

pub mod ast;
mod errors;
mod lower;
mod parser;
mod span;

pub use span::{FileId, Span, Spanned};

use crate::diagnostics::Diagnostic;
use pest::Parser;

/// Parses one file. On a syntax error the file is `None` and the diagnostic says where and what
/// was expected, in words; literals that parse but are wrong come back as diagnostics beside a
/// tree.
pub fn parse(file: FileId, text: &str) -> (Option<ast::SourceFile>, Vec<Diagnostic>) {
    match parser::FlowParser::parse(parser::Rule::file, text) {
        Ok(mut pairs) => {
            let mut lw = lower::Lowerer::new(file);
            let pair = pairs.next().expect("file rule yields one pair");
            let ast = lower::lower_file(&mut lw, pair);
            (Some(ast), lw.diagnostics)
        }
        Err(e) => (None, vec![errors::to_diagnostic(e, file, text)]),
    }
}
