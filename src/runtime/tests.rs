use super::*;
use std::cell::RefCell;
use std::rc::Rc;

#[test]
fn timers_fire_in_time_then_sequence_order() {
    let rt = VirtualRuntime::new(1);
    let log = Rc::new(RefCell::new(Vec::new()));
    for (name, at) in [("c", 30), ("a", 10), ("b", 10), ("d", 20)] {
        let (rt2, log) = (rt.clone(), log.clone());
        rt.spawn(async move {
            rt2.sleep_until(at).await;
            log.borrow_mut().push((rt2.now(), name));
        });
    }
    assert_eq!(rt.run(), 0);
    assert_eq!(*log.borrow(), vec![(10, "a"), (10, "b"), (20, "d"), (30, "c")]);
}

#[test]
fn signals_wake_waiters_and_select_takes_the_first() {
    let rt = VirtualRuntime::new(1);
    let sig = rt.signal();
    let out = Rc::new(RefCell::new(Vec::new()));
    {
        let (rt2, sig, out) = (rt.clone(), sig.clone(), out.clone());
        rt.spawn(async move {
            match select(sig.wait(), rt2.sleep(1_000)).await {
                Either::Left(()) => out.borrow_mut().push(("signal", rt2.now())),
                Either::Right(()) => out.borrow_mut().push(("timeout", rt2.now())),
            }
            // The stale timer at 1000 wakes us spuriously; the next sleep must still be exact.
            rt2.sleep(5_000).await;
            out.borrow_mut().push(("slept", rt2.now()));
        });
    }
    {
        let (rt2, sig) = (rt.clone(), sig.clone());
        rt.spawn(async move {
            rt2.sleep(400).await;
            sig.fire();
        });
    }
    rt.run();
    assert_eq!(*out.borrow(), vec![("signal", 400), ("slept", 5_400)]);
}

#[test]
fn same_seed_same_numbers() {
    let a: Vec<f64> = {
        let rt = VirtualRuntime::new(42);
        (0..5).map(|_| rt.uniform()).collect()
    };
    let rt = VirtualRuntime::new(42);
    let b: Vec<f64> = (0..5).map(|_| rt.uniform()).collect();
    assert_eq!(a, b);
    assert!(a.iter().all(|x| (0.0..1.0).contains(x)));
}

#[test]
fn run_until_stops_at_the_deadline() {
    let rt = VirtualRuntime::new(1);
    let rt2 = rt.clone();
    rt.spawn(async move {
        loop {
            rt2.sleep(10).await;
        }
    });
    assert_eq!(rt.run_until(95), 1);
    assert_eq!(rt.now(), 90);
}

#[test]
fn tokio_runtime_drives_the_same_primitives() {
    let local = tokio::task::LocalSet::new();
    let tokio_rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let fired_at = local.block_on(&tokio_rt, async {
        let rt = TokioRuntime::new(7);
        let sig = rt.signal();
        let (rt2, sig2) = (rt.clone(), sig.clone());
        rt.spawn(async move {
            rt2.sleep(2_000).await;
            sig2.fire();
        });
        match select(sig.wait(), rt.sleep(2_000_000)).await {
            Either::Left(()) => rt.now(),
            Either::Right(()) => -1,
        }
    });
    assert!((2_000..1_000_000).contains(&fired_at), "{fired_at}");
}
