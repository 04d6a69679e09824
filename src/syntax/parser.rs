//! The pest parser generated from `grammar/flow.pest`. Nothing outside `syntax` sees these types.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/flow.pest"]
pub(crate) struct FlowParser;
