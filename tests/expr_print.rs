//! Printing an expression (graph labels, traces, messages) and parsing the text again gives the
//! same tree: the printer puts parentheses wherever the parser's precedence needs them.

use callwright::source::FileId;
use callwright::syntax::ast::{Expr, ExprKind, StmtKind};
use proptest::prelude::*;

/// The tree as a fully parenthesised S-expression, spans left out.
fn shape(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Binary(op, l, r) => format!("({op:?} {} {})", shape(l), shape(r)),
        ExprKind::Unary(op, x) => format!("({op:?} {})", shape(x)),
        ExprKind::As(x, unit) => format!("(as-{:?} {})", unit.node, shape(x)),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Duration(s) => format!("{s}s"),
        ExprKind::Path(p) => p.to_string(),
        ExprKind::Call { func, args } => {
            format!("({} {})", func.name, args.iter().map(shape).collect::<Vec<_>>().join(" "))
        }
        other => format!("{other:?}"),
    }
}

/// The value of `set Flow.X = <text>` in a one-line flow.
fn parse_expr(text: &str) -> Expr {
    let flow = format!("inbound flow F {{\n  set Flow.X = {text}\n  disconnect\n}}\n");
    let (file, diags) = callwright::syntax::parse(FileId(0), &flow);
    let file = file.unwrap_or_else(|| panic!("`{text}` does not parse: {diags:?}"));
    match &file.flows[0].body.stmts[0].kind {
        StmtKind::Set { value, .. } => value.clone(),
        other => panic!("not a set: {other:?}"),
    }
}

/// Expression text with random operators and parentheses (types do not matter to the parser).
fn expr_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..1000).prop_map(|i| i.to_string()),
        Just("Flow.A".to_string()),
        Just("Flow.B".to_string()),
        Just("90s".to_string()),
        Just("true".to_string()),
        Just("Call.EstimatedWaitTime".to_string()),
    ];
    leaf.prop_recursive(5, 40, 3, |inner| {
        let ops = prop_oneof![
            Just("or"),
            Just("and"),
            Just("=="),
            Just("!="),
            Just("<"),
            Just(">="),
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
        ];
        prop_oneof![
            (inner.clone(), ops, inner.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("({a}) as seconds")),
            inner.clone().prop_map(|a| format!("{a} as minutes")),
            inner.prop_map(|a| format!("max({a}, 1)")),
        ]
    })
}

#[test]
fn the_reported_case_keeps_its_parentheses() {
    let e = parse_expr("(Flow.A - Flow.B + 90s) as seconds");
    assert_eq!(e.to_string(), "(Flow.A - Flow.B + 1m30s) as seconds");
    for text in
        ["Flow.A - (Flow.B - 1)", "not Flow.A > 1", "(not Flow.A) == true", "-(Flow.A + 1)", "2 * (3 + 4)"]
    {
        let e = parse_expr(text);
        assert_eq!(shape(&parse_expr(&e.to_string())), shape(&e), "{text} printed as {e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

    #[test]
    fn print_then_parse_gives_the_same_tree(text in expr_text()) {
        let tree = parse_expr(&text);
        let printed = tree.to_string();
        let again = parse_expr(&printed);
        prop_assert_eq!(shape(&again), shape(&tree), "`{}` printed as `{}`", text, printed);
    }
}

/// grammar/README.md says how `not` binds; the parser agrees.
#[test]
fn not_binds_looser_than_a_comparison_as_documented() {
    assert_eq!(shape(&parse_expr("not Flow.A > 5")), "(Not (Gt Flow.A 5))");
    assert_eq!(shape(&parse_expr("not Flow.A and Flow.B")), "(And (Not Flow.A) Flow.B)");
    let grammar = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/grammar/README.md")).unwrap();
    assert!(
        grammar.contains("`not` binds looser than a comparison"),
        "grammar/README.md must say how `not` binds"
    );
}
