//! Callers headed for one queue. A forecast per queue says how many calls each queue is offered;
//! a call of queue Q still goes through the project's own entry flow (its greeting, its opening
//! hours, the priority and skills its transfer sets, the in-queue flow it names), so its caller
//! answers every menu of that flow with a key whose branch can reach a transfer to Q.
//!
//! Among those keys the scenario's odds still hold, renormalised: a menu before the split (a
//! language menu whose every key leads to every queue) keeps its mix, and a menu where only some
//! keys lead to Q picks among them as often as the scenario's callers do. Where the scenario gives
//! none of them any chance (or does not list the menu), the first of them is pressed: digits in
//! order, then spoken words, then silence (a menu whose time-outs lead to Q).
//!
//! Whether a branch reaches Q is read off the graph, walking through `if`, `switch`, data actions
//! and tasks (both ways of every condition), up to the next terminal action or back to the menu,
//! and on into the flows a `transfer to flow` hands the call to (whose menus are answered alike).

use super::scenario::{CallerModel, KeyChoice};
use crate::compile::{Action, FlowGraph, Node, NodeId, Outcome};
use crate::syntax::ast::TransferTarget;
use std::rc::Rc;

/// The flow a node hands the call to (`transfer to flow X`), if it does.
fn hands_to(node: &Node) -> Option<&str> {
    match &node.action {
        Action::TransferOut(t) => match &t.target {
            TransferTarget::Flow(f) => Some(&f.name),
            _ => None,
        },
        _ => None,
    }
}

/// The callers of `base` headed for `queue` through `graph`, the entry flow, and the flows it
/// transfers to (`flows` finds them by name, as Architect's "Transfer to Flow" goes on with the
/// call there); `None` when no path from the entry flow's start reaches a transfer to `queue`.
pub fn headed_for(
    graph: &Rc<FlowGraph>,
    flows: &dyn Fn(&str) -> Option<Rc<FlowGraph>>,
    base: &CallerModel,
    queue: &str,
) -> Option<CallerModel> {
    // Every flow the call can go on in, from the entry flow on.
    let mut all: Vec<Rc<FlowGraph>> = vec![graph.clone()];
    let mut k = 0;
    while k < all.len() {
        let next: Vec<Rc<FlowGraph>> = all[k].nodes().filter_map(hands_to).filter_map(flows).collect();
        for g in next {
            if !all.iter().any(|f| f.name() == g.name()) {
                all.push(g);
            }
        }
        k += 1;
    }
    // The flows whose start leads to the queue, directly or through a flow that does (until no
    // more are found: flows may transfer to each other in circles).
    let mut good: Vec<String> = Vec::new();
    let leads = |node: &Node, good: &[String]| match &node.action {
        Action::Transfer { queue: q, .. } => q.name == queue,
        _ => hands_to(node).is_some_and(|f| good.iter().any(|g| g == f)),
    };
    loop {
        let found: Vec<String> = all
            .iter()
            .filter(|f| !good.iter().any(|g| g == f.name()))
            .filter(|f| {
                let seen = f.reachable_from(f.entry(), |n| n.action.is_terminal());
                f.nodes().zip(&seen).any(|(n, s)| *s && leads(n, &good))
            })
            .map(|f| f.name().to_string())
            .collect();
        if found.is_empty() {
            break;
        }
        good.extend(found);
    }
    if !good.iter().any(|g| g == graph.name()) {
        return None;
    }
    let mut model = base.clone();
    let mut done: Vec<String> = Vec::new();
    for flow in &all {
        for menu in flow.nodes() {
            let Action::Menu { name, .. } = &menu.action else { continue };
            // A menu name written twice (in two tasks or flows) is answered as its first one says.
            if done.contains(name) {
                continue;
            }
            done.push(name.clone());
            let toward_queue = |seen: &[bool]| flow.nodes().zip(seen).any(|(n, s)| *s && leads(n, &good));
            if let Some(choice) = narrowed_menu(flow, menu.id, base, name, &toward_queue) {
                model.menus.insert(name.clone(), choice);
            }
        }
    }
    Some(model)
}

/// The choice at `menu` (named `name`) of callers headed where `found` says, or `None` to keep
/// the scenario's: every key leads there, or none does.
fn narrowed_menu(
    graph: &FlowGraph,
    menu: NodeId,
    base: &CallerModel,
    name: &str,
    found: &dyn Fn(&[bool]) -> bool,
) -> Option<KeyChoice> {
    let mut keys: Vec<(Option<String>, bool)> = Vec::new();
    for edge in graph.outgoing(menu) {
        let key = match edge.outcome {
            Outcome::Digit(d) => Some(d.clone()),
            Outcome::Said(w) => Some(w.clone()),
            Outcome::NoInput(_) | Outcome::Exhausted => None,
            _ => continue,
        };
        let reaches = reaches_from(graph, edge.to, menu, found);
        match keys.iter_mut().find(|(k, _)| *k == key) {
            Some((_, r)) => *r |= reaches,
            None => keys.push((key, reaches)),
        }
    }
    // Digits in order, then words, then silence.
    keys.sort_by_key(|(k, _)| match k {
        Some(k) if k.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#') => (0, k.clone()),
        Some(k) => (1, k.clone()),
        None => (2, String::new()),
    });
    let toward: Vec<Option<&str>> = keys.iter().filter(|(_, r)| *r).map(|(k, _)| k.as_deref()).collect();
    // Every key leads there, or none does (reached before or elsewhere): as the scenario says.
    if toward.is_empty() || toward.len() == keys.len() {
        return None;
    }
    let said = base.menu(name).cloned().unwrap_or_else(|| KeyChoice::always(base.default_keys.as_deref()));
    Some(narrowed(&said, &toward))
}

/// Does a caller who takes the branch into `from` reach a transfer, before ending the call or
/// coming back to `menu`?
fn reaches_from(graph: &FlowGraph, from: NodeId, menu: NodeId, found: &dyn Fn(&[bool]) -> bool) -> bool {
    found(&graph.reachable_from(from, |n| n.id == menu || n.action.is_terminal()))
}

/// `said` kept to the keys in `toward`, its odds among them scaled to add up to 1; the first of
/// them when `said` gives them no chance.
fn narrowed(said: &KeyChoice, toward: &[Option<&str>]) -> KeyChoice {
    let odds: Vec<f64> = toward.iter().map(|k| said.probability(*k)).collect();
    let total: f64 = odds.iter().sum();
    if total <= 0.0 {
        return KeyChoice::always(toward[0]);
    }
    let mut cumulative = 0.0;
    let mut options: Vec<(Option<String>, f64)> = toward
        .iter()
        .zip(&odds)
        .filter(|(_, p)| **p > 0.0)
        .map(|(k, p)| {
            cumulative += p / total;
            (k.map(str::to_owned), cumulative)
        })
        .collect();
    // The last option closes the choice at exactly 1: no remainder is left for silence.
    if let Some(last) = options.last_mut() {
        last.1 = 1.0;
    }
    KeyChoice { options }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Dist;

    const FLOW: &str = r#"inbound flow Line {
  menu Language "For English press 1. Voor Nederlands, toets 2." {
    1 => set Call.Language = "en"
    2 => set Call.Language = "nl"
  }
  menu Main "Billing 1, support 2, hours 3." retries 1 {
    1 => transfer to Billing
    2 => transfer to Support
    3 => disconnect
    exhausted => transfer to Support
  }
  disconnect
}
"#;

    fn graph() -> Rc<FlowGraph> {
        let (ast, diags) = crate::syntax::parse(crate::source::FileId(0), FLOW);
        Rc::new(crate::compile::compile_flow(&ast.unwrap_or_else(|| panic!("{diags:?}")).flows[0]))
    }

    fn callers(menus: &[(&str, KeyChoice)]) -> CallerModel {
        CallerModel {
            patience: None,
            handle_time: Dist::Fixed(0),
            menus: menus.iter().map(|(n, k)| (n.to_string(), k.clone())).collect(),
            asks: Default::default(),
            default_keys: None,
            retrial: None,
        }
    }

    #[test]
    fn callers_press_the_keys_that_lead_to_their_queue() {
        let g = graph();
        let none = |_: &str| None;
        let main = KeyChoice {
            options: vec![(Some("1".into()), 0.35), (Some("2".into()), 0.9), (Some("3".into()), 0.94)],
        };
        let language = KeyChoice { options: vec![(Some("1".into()), 0.7), (Some("2".into()), 1.0)] };
        let base = callers(&[("Main", main), ("Language", language.clone())]);
        let billing = headed_for(&g, &none, &base, "Billing").unwrap();
        assert_eq!(billing.menu("Main"), Some(&KeyChoice::always(Some("1"))));
        // Both languages lead to both queues: the scenario's mix stays.
        assert_eq!(billing.menu("Language"), Some(&language));
        // Support: 2, or silence (the menu's retries run out into Support), in the scenario's odds.
        let support = headed_for(&g, &none, &base, "Support").unwrap();
        let k = support.menu("Main").unwrap();
        assert!((k.probability(Some("2")) - 0.55 / 0.61).abs() < 1e-12, "{k:?}");
        assert!((k.probability(None) - 0.06 / 0.61).abs() < 1e-12, "{k:?}");
        assert_eq!(k.probability(Some("3")), 0.0);
        // A menu the scenario does not list (callers stay silent): the first key that leads there.
        let billing = headed_for(&g, &none, &callers(&[]), "Billing").unwrap();
        assert_eq!(billing.menu("Main"), Some(&KeyChoice::always(Some("1"))));
        assert_eq!(
            headed_for(&g, &none, &callers(&[]), "Support").unwrap().menu("Main"),
            Some(&KeyChoice::always(None))
        );
        // No transfer to it anywhere.
        assert!(headed_for(&g, &none, &base, "Sales").is_none());
    }

    /// Architect's "Transfer to Flow": the call goes on in the other flow, whose menus lead on.
    #[test]
    fn callers_follow_a_transfer_to_another_flow() {
        let text = r#"inbound flow Front {
  menu Main "Sales 1, service 2." {
    1 => transfer to flow SalesLine
    2 => transfer to Service
  }
  disconnect
}
inbound flow SalesLine {
  menu Product "Phones 1, plans 2." {
    1 => transfer to Phones
    2 => transfer to Plans
  }
  disconnect
}
"#;
        let (ast, diags) = crate::syntax::parse(crate::source::FileId(0), text);
        let ast = ast.unwrap_or_else(|| panic!("{diags:?}"));
        let graphs: Vec<Rc<FlowGraph>> =
            ast.flows.iter().map(|f| Rc::new(crate::compile::compile_flow(f))).collect();
        let flows = |name: &str| graphs.iter().find(|g| g.name() == name).cloned();
        let plans = headed_for(&graphs[0], &flows, &callers(&[]), "Plans").unwrap();
        assert_eq!(plans.menu("Main"), Some(&KeyChoice::always(Some("1"))));
        assert_eq!(plans.menu("Product"), Some(&KeyChoice::always(Some("2"))));
        let service = headed_for(&graphs[0], &flows, &callers(&[]), "Service").unwrap();
        assert_eq!(service.menu("Main"), Some(&KeyChoice::always(Some("2"))));
        assert_eq!(
            service.menu("Product"),
            None,
            "a flow that does not lead there keeps the scenario's choice"
        );
        // Without the other flow, Plans is out of reach.
        assert!(headed_for(&graphs[0], &|_| None, &callers(&[]), "Plans").is_none());
    }

    #[test]
    fn the_odds_are_kept_among_the_keys_that_lead_there() {
        let said = KeyChoice {
            options: vec![(Some("1".into()), 0.35), (Some("2".into()), 0.9), (Some("3".into()), 0.94)],
        };
        let k = narrowed(&said, &[Some("2"), None]);
        // 2: 0.55, silence: 0.06 → 0.9016 and the rest.
        assert!((k.probability(Some("2")) - 0.55 / 0.61).abs() < 1e-12, "{k:?}");
        assert!((k.probability(None) - 0.06 / 0.61).abs() < 1e-12, "{k:?}");
        assert_eq!(k.pick(0.999_999), None);
        // No chance among them: the first.
        let only_one = KeyChoice::always(Some("1"));
        assert_eq!(narrowed(&only_one, &[Some("2"), Some("3")]), KeyChoice::always(Some("2")));
    }
}
