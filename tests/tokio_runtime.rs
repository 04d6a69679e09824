//! The interpreter is runtime-agnostic: one acme call driven through the tokio runtime.

use callwright::project::Project;
use callwright::runtime::{
    CallContext, CallOutcome, CallPlan, CallSpec, CallTask, DtmfScript, Engine, NoTrace, Runtime,
    TokioRuntime, run_call,
};
use chrono::TimeZone;
use std::rc::Rc;

#[test]
fn one_call_through_tokio() {
    let checked =
        Project::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("flows/acme")).unwrap().check();
    assert!(!checked.has_errors());
    let acd = callwright::acd::Acd::from_center(checked.project.center.as_ref().unwrap()).unwrap();
    // Paused time only so the test does not wait out the prompts in real seconds.
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    let local = tokio::task::LocalSet::new();
    let outcome = local.block_on(&rt, async {
        let runtime = TokioRuntime::new(1);
        let engine = Rc::new(Engine::builder(runtime.clone(), &checked, acd).build());
        let tz: chrono_tz::Tz = "Europe/Amsterdam".parse().unwrap();
        let spec = CallSpec {
            id: 1,
            ani: "+31612345678".into(),
            ani_is_e164: false,
            dnis: "+31201234500".into(),
            caller_name: "Test".into(),
            start: tz.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap(),
            data: Default::default(),
        };
        let task = CallTask {
            engine: engine.clone(),
            ctx: Box::new(CallContext::new(spec, runtime.now())),
            caller: DtmfScript::parse("2").unwrap(),
            plan: CallPlan { patience: None, handle: 1_000_000, hang_up: None },
            obs: NoTrace,
        };
        let graph = engine.flow("AcmeSupport").unwrap();
        run_call(task, graph).await
    });
    match outcome {
        CallOutcome::Answered { queue, .. } => assert_eq!(&*queue, "Support"),
        other => panic!("expected an answer, got {other:?}"),
    }
}
