//! From checked AST to [`FlowGraph`], and from graphs to pictures.

mod action;
mod builder;
pub mod dot;
mod flow_graph;
mod menu_rule;
pub mod svg;

pub use action::{Action, Node, NodeId, Outcome};
pub use builder::compile_flow;
pub use dot::{Paint, to_dot, to_dot_painted};
pub use flow_graph::{EdgeView, FlowGraph};
pub use menu_rule::{MenuCount, MenuMiss, menu_miss};
pub use svg::to_svg;
