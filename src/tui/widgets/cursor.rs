//! The cursor of a list: which row is selected and which is the first shown. Every list of the
//! TUI moves through these two functions.

use crate::tui::action::Action;

/// Where `action` takes a cursor at `selected` in a list of `len` rows of which `page` are
/// shown; `None` when the action is not a movement.
pub fn moved(selected: usize, len: usize, action: Action, page: usize) -> Option<usize> {
    let page = page.max(1) as isize;
    let delta = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        _ => return None,
    };
    Some(step(selected, len, delta))
}

/// `selected` moved by `delta` rows, kept inside a list of `len` rows (0 when it is empty).
pub fn step(selected: usize, len: usize, delta: isize) -> usize {
    if len == 0 {
        return 0;
    }
    (selected as isize)
        .saturating_add(delta)
        .clamp(0, len as isize - 1) as usize
}

/// Keep `selected` inside the list and the window of `page` rows from `offset` on it.
pub fn keep_visible(selected: &mut usize, offset: &mut usize, len: usize, page: usize) {
    if len == 0 {
        *selected = 0;
        *offset = 0;
        return;
    }
    let page = page.max(1);
    *selected = (*selected).min(len - 1);
    if *selected < *offset {
        *offset = *selected;
    }
    if *selected >= *offset + page {
        *offset = *selected + 1 - page;
    }
    *offset = (*offset).min(len.saturating_sub(page));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_inside_the_list() {
        assert_eq!(moved(0, 10, Action::Up, 5), Some(0));
        assert_eq!(moved(0, 10, Action::PageDown, 5), Some(5));
        assert_eq!(moved(8, 10, Action::PageDown, 5), Some(9));
        assert_eq!(moved(4, 10, Action::Top, 5), Some(0));
        assert_eq!(moved(4, 10, Action::Bottom, 5), Some(9));
        assert_eq!(moved(3, 0, Action::Down, 5), Some(0));
        assert_eq!(moved(3, 10, Action::Quit, 5), None);
    }

    #[test]
    fn the_window_follows_the_selection() {
        let (mut sel, mut off) = (12, 0);
        keep_visible(&mut sel, &mut off, 20, 5);
        assert_eq!((sel, off), (12, 8));
        sel = 2;
        keep_visible(&mut sel, &mut off, 20, 5);
        assert_eq!((sel, off), (2, 2));
        sel = 30;
        keep_visible(&mut sel, &mut off, 20, 5);
        assert_eq!((sel, off), (19, 15));
    }
}
