//! An index over the registry built on first use (issue 17): a command that never searches or
//! looks a code up never pays for it, and an import of a million targets does not build two
//! indexes its process will not read. Once built it is kept up to date by the edits that reach
//! it; a wholesale change of the registry drops it, to be built again when asked for.

use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub struct Lazy<T>(OnceLock<T>);

impl<T> Default for Lazy<T> {
    fn default() -> Self {
        Lazy(OnceLock::new())
    }
}

impl<T> Lazy<T> {
    /// The index, built by `build` if it is not yet (once, whichever thread asks first).
    pub fn get_or(&self, build: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(build)
    }
    /// The index if built, to be updated in place.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.0.get_mut()
    }
    pub fn is_built(&self) -> bool {
        self.0.get().is_some()
    }
    /// Drop the index: the next use builds it from the registry as it is then.
    pub fn reset(&mut self) {
        self.0 = OnceLock::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_once_on_first_use_and_again_after_a_reset() {
        let mut built = 0;
        let mut l: Lazy<Vec<u32>> = Lazy::default();
        assert!(!l.is_built());
        assert!(l.get_mut().is_none());
        assert_eq!(
            l.get_or(|| {
                built += 1;
                vec![1]
            }),
            &vec![1]
        );
        assert_eq!(
            l.get_or(|| {
                built += 1;
                vec![2]
            }),
            &vec![1]
        );
        assert_eq!(built, 1);
        if let Some(v) = l.get_mut() {
            v.push(3);
        }
        assert_eq!(l.get_or(Vec::new), &vec![1, 3]);
        l.reset();
        assert!(!l.is_built());
        assert_eq!(l.get_or(|| vec![4]), &vec![4]);
    }
}
