//! The one menu rule, shared by the interpreter (which runs it) and the test generator (which
//! walks every branch of it): after a miss — no input, or a key the menu has no choice for — the
//! menu counts it, and either gives up (`exhausted`, once the misses exceed `retries`), takes the
//! handler for the n-th miss of that kind (`noinput 2 =>`), the handler for every miss of that
//! kind (`noinput =>`), or, without a handler, is offered again.

use super::{FlowGraph, NodeId, Outcome};

/// Misses during one visit of a menu: (no input, no match, both). Reset when the menu is left.
pub type MenuCount = (u32, u32, u32);

/// What the menu does after a miss.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuMiss {
    /// The misses exceed `retries`: leave by the `exhausted` branch (forget the count).
    Exhausted,
    /// Take this handler (`NoInput(Some(n))`, `NoInput(None)`, or the `NoMatch` ones).
    Take(Outcome),
    /// No handler for this miss: offer the menu again.
    Reoffer,
}

/// Counts one miss of menu `node` in `count` and says what follows.
#[inline]
pub fn menu_miss(
    graph: &FlowGraph,
    node: NodeId,
    count: &mut MenuCount,
    no_input: bool,
    retries: u32,
) -> MenuMiss {
    if no_input {
        count.0 += 1;
    } else {
        count.1 += 1;
    }
    count.2 += 1;
    if count.2 > retries {
        return MenuMiss::Exhausted;
    }
    let (nth, any) = if no_input {
        (Outcome::NoInput(Some(count.0)), Outcome::NoInput(None))
    } else {
        (Outcome::NoMatch(Some(count.1)), Outcome::NoMatch(None))
    };
    if graph.follow(node, &nth).is_some() {
        MenuMiss::Take(nth)
    } else if graph.follow(node, &any).is_some() {
        MenuMiss::Take(any)
    } else {
        MenuMiss::Reoffer
    }
}
