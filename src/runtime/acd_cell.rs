//! [`AcdCell`]: the engine's ACD, with a count of the borrows that could change it.

use crate::acd::Acd;
use std::cell::{Cell, Ref, RefCell, RefMut};

/// The ACD as the engine shares it between calls: a `RefCell` that also counts its mutable
/// borrows. The count is a version: what depends only on the ACD (a caller's position and
/// estimated wait) and was worked out at one version is still right at the same version.
/// Every change to the ACD needs `&mut Acd`, which only [`AcdCell::borrow_mut`] hands out, so no
/// change goes uncounted (a borrow that changes nothing only costs a recount).
#[derive(Debug)]
pub(crate) struct AcdCell {
    acd: RefCell<Acd>,
    /// Mutable borrows so far.
    version: Cell<u64>,
}

impl AcdCell {
    pub(crate) fn new(acd: Acd) -> AcdCell {
        AcdCell { acd: RefCell::new(acd), version: Cell::new(0) }
    }

    pub(crate) fn borrow(&self) -> Ref<'_, Acd> {
        self.acd.borrow()
    }

    pub(crate) fn borrow_mut(&self) -> RefMut<'_, Acd> {
        self.version.set(self.version.get() + 1);
        self.acd.borrow_mut()
    }

    /// Changes at most as many as this since the ACD was made: equal versions, the same ACD.
    pub(crate) fn version(&self) -> u64 {
        self.version.get()
    }
}
